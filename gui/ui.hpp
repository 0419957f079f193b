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

#include "model/file_browser.hpp"
#include "model/label_fit.hpp"
#include "model/import_job.hpp"
#include "model/session.hpp"
#include "scenario/command_probe.hpp"
#include "text/text.hpp"

namespace mailsim::live {
class ServeFeed;
class ClientFeed;
}

namespace mailsim::gui {

enum class PanelId { topology, sequence, transcript, timeline, queue, message, encoding, replylab, lesson, live, count };
inline constexpr std::array<std::string_view, 10> kPanelNames{"topology", "sequence", "transcript", "timeline", "queue",
                                                              "message",  "encoding", "replylab",   "lesson",   "live"};
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
    int reveal = 0;                                     // frames left to scroll the newest feedback into view
};

// The Live panel: serve mode run by the GUI (live/serve.hpp), or a
// connection to a real server (live/client_feed.hpp).
struct LiveState {
    enum class Mode { serve, connect };
    Mode mode = Mode::serve;
    int ports[4] = {2525, 1110, 1143, 8080};  // SMTP, POP3, IMAP, webmail; 0 = any free port
    bool tls = true;
    live::ServeFeed* serving = nullptr;        // the session's feed while it is this one
    std::uint64_t generation = 0;              // the session generation it belongs to
    std::string served_name;                   // the scenario served (the title says it in the window's language)
    std::string error;

    // Connect to a real server: the form, as typed.
    char url[256] = "smtp://localhost:25";
    bool starttls = true;
    char user[128] = "";
    char password[128] = "";                   // fills {password} in commands; redacted in the trace
    char cafile[512] = "";
    bool insecure = false;
    bool keep_secrets = false;
    int timeout_s = 30;
    live::ClientFeed* client = nullptr;        // the session's feed while it is this one
    std::uint64_t client_generation = 0;
    std::string connect_error;                 // a form that cannot connect (a bad URL)
    char line[1000] = "";                      // the command being typed
    std::vector<std::string> history;          // commands sent, as typed (placeholders kept)
    int history_pos = -1;                      // Up/Down: the entry shown, -1 = a new line
    char mail_from[256] = "";
    char mail_to[512] = "";
    char mail_subject[256] = "";
    char mail_text[4096] = "";
    char fetch_mailbox[128] = "INBOX";         // IMAP's folder to fetch from
    bool fetch_delete = false;                 // POP3: DELE each message fetched
    int fetch_max = 50;
};

// The UI scale a teacher may raise for a projector (View ▸ Text size,
// --scale, Ctrl +/-, Ctrl 0): fonts are rebuilt at 16 px times it and the
// style's sizes scaled; panels size what they draw from the font (Px).
// "Type your own command" under an SMTP connection's transcript: the lines
// typed at one cursor of one connection, and what the server's engine answered.
struct TypedCommands {
    std::uint32_t conn = 0;            // the connection whose tab shows the box (0: none)
    size_t cursor = 0;                 // the cursor the lines were typed at
    std::uint64_t generation = 0;      // the session's trace they belong to
    char input[512] = "";
    bool refocus = false;
    std::vector<std::string> lines;    // typed, in order
    scenario::ProbeResult result;      // the answers to all of them
    std::vector<std::string> shown;    // the box's lines as last drawn ("> VRFY bob", "250 2.1.5 ...")
};

inline constexpr float kMinScale = 0.5f, kMaxScale = 3.0f;
inline constexpr float kScaleSteps[] = {0.5f, 0.75f, 1.0f, 1.25f, 1.5f, 1.75f, 2.0f, 2.5f, 3.0f};

// File ▸ Open… (dialog_open.cpp): an in-app file browser, Debian 12 having
// no small portable native dialog.
inline constexpr std::string_view kOpenDialogId = "open-dialog";
struct OpenDialogState {
    bool shown = false;
    FileBrowser browser;
    char path[1024] = "";     // the path field: a file or folder, absolute or inside the folder shown
    int selected = -1;        // the entry last clicked
    bool appearing = false;   // the first frame: focus the path field
    bool path_set = false;    // the path field was written from outside (a click, a script): the field takes it up
    bool importing = false;   // it started an import: an error of the import comes back to the dialog
};

struct App {
    Session session;
    text::Lang lang = text::Lang::en;
    float scale = 1.0f;            // asked for; the app rebuilds fonts before the next frame
    float font_scale = 0.0f;       // what the fonts were built for
    LabelAudit labels;             // the frame's labels that did not fit (check-labels)
    std::array<bool, static_cast<size_t>(PanelId::count)> open{};  // panels shown
    int solo = -1;                 // a panel drawn over the whole window, or -1
    bool relayout = true;          // place the windows at their default spots next frame
    bool wire_bytes = false;       // transcript: show CR LF
    std::uint32_t transcript_tab = 0;  // connection whose tab is to be selected, 0 = none asked
    float sequence_zoom = 1.0f;
    float timeline_height = 0;     // what the Timeline panel last needed (0: not drawn yet)
    float topology_zoom = 1.0f;                               // 1 = the whole picture
    float topology_centre_x = 0.5f, topology_centre_y = 0.5f;  // the picture point at the panel's centre
    bool follow_cursor = true;     // sequence and transcript scroll to the cursor
    std::string status;            // last error or notice, shown in the status bar
    std::string status_key;        // the sim/text key status was said from (SetStatus), or ""
    text::Params status_params;
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
    LiveState live;
    TypedCommands typed;
    std::vector<int> keys_to_press;      // --script `key`: GLFW key codes held down for the next frame
    std::vector<int> keys_held;          // ...and released the frame after
    std::unique_ptr<ImportJob> import_job;  // a capture or log being read, with its progress bar
    OpenDialogState open_dialog;
};

// Opens a file as the command line does: a capture or log through the import
// job, else a lesson, scenario or trace (told apart by content). Returns the
// loader's message when it could not be opened (also put in app.status).
std::optional<std::string> OpenFile(App& app, const std::string& path);

// lessons/ or traces/ in the working directory, else beside the program's sources; "" when neither.
std::string FindSourceDir(const char* name);

// The Open dialog: shown in `dir` (empty: the folder last shown, else
// traces/), drawn over the panels, and what its Open button (or Enter) and
// Cancel (or Esc) do. OpenDialogAccept opens the path field's file (or the
// selected one), or goes into a folder; false when nothing was opened.
void OpenDialogShow(App& app, const std::string& dir = {});
void ShowOpenDialog(App& app);
bool OpenDialogAccept(App& app);
void OpenDialogCancel(App& app);
// A click on the folder's i-th entry: a folder is entered, a file chosen (its name goes in the path field).
void OpenDialogClick(App& app, size_t i);
// An import the dialog started ended: on an error it shows again, with the message.
void OpenDialogImportEnded(App& app, const std::string* error);

// The text of a key in the app's language; the key itself when missing (a
// test keeps every key used here present in both files).
const char* T(const App& app, std::string_view key);
std::string TF(const App& app, std::string_view key, const text::Params& params);
// The status bar says `key` with `params`, in the language of the moment:
// SetLanguage says it again in the new one (unless something else has been
// put in the status bar since).
void SetStatus(App& app, std::string_view key, text::Params params);
void SetLanguage(App& app, text::Lang lang);

// A size given in pixels at scale 1, at the app's scale.
inline float Px(const App& app, float px) { return px * app.scale; }
// The next scale step up (+1) or down (-1) from `scale`.
float next_scale(float scale, int direction);

// Labels that may not fit their room (issue 16). Each shows the text, or its
// head and "…" with the whole text in a tooltip when hovered, and counts in
// app.labels. `room` ≤ 0 means up to the right edge of the content region.
// They return whether the text was shortened. Every panel draws a label that
// may be too long through one of these.
bool FitText(App& app, std::string_view text, float room = 0, const ImVec4* colour = nullptr);
bool FitTextDisabled(App& app, std::string_view text, float room = 0);
// The same on a draw list at `pos`; the tooltip shows while the mouse is over it.
bool FitTextAt(App& app, ImDrawList* dl, ImVec2 pos, ImU32 colour, std::string_view text, float room);
// A Selectable spanning the row whose label is fitted to it; true when clicked.
bool FitSelectable(App& app, std::string_view text, bool selected, bool* shortened = nullptr);

// After the panels: records in app.labels what ImGui cut at a panel's or a
// table column's right edge (label_audit.cpp).
void AuditCutContent(App& app);

// A Button whose label is fitted to what is left of the row.
bool FitButton(App& app, const char* label);
// BeginCombo whose preview is fitted to the combo (the whole preview in a
// tooltip when shortened); call EndCombo when it returns true.
bool FitCombo(App& app, const char* id, std::string_view preview);

// SameLine() when an item `width` wide still fits on the line, else nothing
// (the item goes on the next line): rows of buttons wrap at a large scale.
void SameLineIfFits(float width);
// The width of a button or checkbox labelled `label`.
float ButtonWidth(const char* label);
float CheckboxWidth(const char* label);

ImU32 line_colour(LineClass c);
ImVec4 line_colour_vec(LineClass c);
// A "(?)" that shows `text` wrapped in a tooltip when hovered.
void HelpMarker(const char* text);
// The catalog's name and explanation of a command or reply, in a tooltip.
void CatalogTooltip(const App& app, std::string_view key);

// The transcript's "type your own command" box for connection `c`, and the
// same as the box's Send: false when no SMTP connection of a scenario is shown.
void DrawTypedCommands(App& app, const ConnectionInfo& c);
bool TypeCommand(App& app, const std::string& line);

void ShowTopologyPanel(App& app, bool* p_open);
void ShowSequencePanel(App& app, bool* p_open);
void ShowTranscriptPanel(App& app, bool* p_open);
void ShowTimelinePanel(App& app, bool* p_open);
void ShowQueuePanel(App& app, bool* p_open);
void ShowMessagePanel(App& app, bool* p_open);
void ShowEncodingPanel(App& app, bool* p_open);
void ShowReplyLabPanel(App& app, bool* p_open);
void ShowLessonPanel(App& app, bool* p_open);
void ShowLivePanel(App& app, bool* p_open);
// Starts serving the open scenario (or the default one) on the Live panel's
// ports; false with app.live.error set.
bool StartServing(App& app);
// Connections served so far by the GUI's serve session, or -1 when none runs.
long ServedConnections(const App& app);
void StopServing(App& app);
// No client of the GUI's serve session is connected now.
bool ServeIdle(const App& app);
// The Live panel's "connect to a real server" part (panel_live_connect.cpp).
void ShowLiveConnect(App& app);
// Connects to the form's URL on a worker (live/client_feed.hpp) and follows
// its trace; false with app.live.connect_error set when the form is wrong.
bool ConnectLive(App& app);
// The session's connection to a real server, or null when it follows none.
live::ClientFeed* LiveClient(const App& app);
// Queues a command line (as typed; credentials filled in on the worker), and keeps it in the history.
void LiveCommand(App& app, const std::string& line);
// Queues the form's message for mailsim's SMTP client engine; false with connect_error set when a field is missing.
bool LiveSendMessage(App& app);
// POP3 or IMAP: mailsim's own client engine lists and fetches the mail (the
// Fetch form's mailbox, maximum and delete); false when not connected.
bool LiveFetchMail(App& app);
void DisconnectLive(App& app);
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
