// ui.hpp — what every panel of mailsim-gui shares: the app's state, texts by
// key in the chosen language, the colours of reply classes, small widgets.
//
// Panels follow imgui_demo's shape (STYLE.md #13): one function a panel,
// `void ShowXPanel(App&, bool* p_open)`, returning early after Begin. They
// read the Session (trace, index, cursor) and post changes to it; none of
// them knows a protocol.
#pragma once

#include <array>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "model/import_job.hpp"
#include "model/session.hpp"
#include "text/text.hpp"

namespace mailsim::gui {

enum class PanelId { topology, sequence, transcript, timeline, queue, message, encoding, replylab, lesson, count };
inline constexpr std::array<std::string_view, 9> kPanelNames{"topology", "sequence", "transcript", "timeline", "queue",
                                                             "message",  "encoding", "replylab",   "lesson"};
static_assert(kPanelNames.size() == static_cast<size_t>(PanelId::count));

// State of the encoding lab kept between frames.
struct EncodingLab {
    char input[1024] = "系统";
    int charset = 1;       // index into the lab's charset list (1 = GB2312)
    int mode = 0;          // 0 base64, 1 quoted-printable
    bool decode = false;   // decode the input instead
    std::string source;    // where the input came from ("message part 1.2"), if not typed
};

// A student's answers to the open lesson's checkpoints (panel_lesson.cpp).
struct CheckpointAnswer {
    std::vector<std::string> tries;
    bool right = false;        // the last try was right
    bool first_right = false;  // the first try was: it scores
    bool settled = false;      // a prediction, answered: the step has played
    std::string last;          // the last try as given, graded again in the language shown
};
struct LessonProgress {
    std::size_t lesson_id = 0;                          // which lesson these answers belong to
    std::vector<std::vector<CheckpointAnswer>> steps;   // [step][checkpoint]
    std::size_t entered = SIZE_MAX;                     // the step last arrived at
    char input[256] = "";
    int look = -1;                                      // a hint's panel, outlined instead of the step's
    std::string last_feedback;
};

struct App {
    Session session;
    text::Lang lang = text::Lang::en;
    std::array<bool, static_cast<size_t>(PanelId::count)> open{};  // panels shown
    int solo = -1;                 // a panel drawn over the whole window, or -1
    bool relayout = true;          // place the windows at their default spots next frame
    bool wire_bytes = false;       // transcript: show CR LF
    std::uint32_t transcript_tab = 0;  // connection whose tab is to be selected, 0 = none asked
    float sequence_zoom = 1.0f;
    bool follow_cursor = true;     // sequence and transcript scroll to the cursor
    std::string status;            // last error or notice, shown in the status bar
    EncodingLab lab;
    ImFont* mono = nullptr;
    bool want_quit = false;
    std::vector<OverrideRow> lab_rows;   // reply-code lab: the table being edited
    bool lab_rows_loaded = false;
    bool handout_requested = false;      // Open ▸ Export handout, or --handout
    float force_scroll = -1.0f;          // --bench, handouts: the transcript's or sequence's scroll this frame
    float scroll_max = 0, view_h = 0;    // what the sequence or transcript list last measured
    int highlight = -1;                  // the panel the lesson's step points at, or -1
    std::string select_part;             // a MIME part path ("1.2") the Message panel is to select
    bool part_to_lab = false;            // ...and open in the encoding lab
    LessonProgress progress;             // the open lesson's answers
    std::unique_ptr<ImportJob> import_job;  // a capture or log being read, with its progress bar
};

// The text of a key in the app's language; the key itself when missing (a
// test keeps every key used here present in both files).
const char* T(const App& app, std::string_view key);
std::string TF(const App& app, std::string_view key, const text::Params& params);

ImU32 line_colour(LineClass c);
ImVec4 line_colour_vec(LineClass c);
// A "(?)" that shows `text` wrapped in a tooltip when hovered.
void HelpMarker(const char* text);
// The catalog's name and explanation of a command or reply, in a tooltip.
void CatalogTooltip(const App& app, std::string_view key);

void ShowTopologyPanel(App& app, bool* p_open);
void ShowSequencePanel(App& app, bool* p_open);
void ShowTranscriptPanel(App& app, bool* p_open);
void ShowTimelinePanel(App& app, bool* p_open);
void ShowQueuePanel(App& app, bool* p_open);
void ShowMessagePanel(App& app, bool* p_open);
void ShowEncodingPanel(App& app, bool* p_open);
void ShowReplyLabPanel(App& app, bool* p_open);
void ShowLessonPanel(App& app, bool* p_open);
// Answers the current step's first open checkpoint (--script's `answer`);
// for a click question an empty answer means the selected event. False when none is open.
bool AnswerCheckpoint(App& app, std::string_view answer);
// The teacher's answer to the current step's open checkpoint, if one is open.
std::optional<std::string> TeacherAnswer(App& app);
// The open lesson's score (answers right at the first try), and the last answer's feedback.
int LessonScore(App& app);
std::string LessonFeedback(const App& app);

// The encoding lab's charsets ("UTF-8", "GB2312", ...): the index of a name, or -1.
int encoding_charset_index(std::string_view name);

// The window title of a panel (its name in the language, with a stable ImGui id).
std::string panel_title(const App& app, PanelId id);

}  // namespace mailsim::gui
