// label_fit.hpp — labels that fit their room, and the record of those that
// did not.
//
// A label wider than its room is shortened at a character boundary and ends
// in "…"; the panel then shows the whole text in a tooltip. Nothing here
// knows ImGui: the width of a text is a function passed in, so the tests
// measure with a fixed advance.
//
// LabelAudit is one frame's record of every label that did not fit: the
// ones the panels shortened (with a tooltip) and the ones the app found cut
// at a window's or a table column's edge (without one). `--script`'s
// `check-labels` and the GUI tests fail on any cut label that has no
// tooltip (issue 16: a label is never cut without an ellipsis and a tooltip).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::gui {

using MeasureText = std::function<float(std::string_view)>;

inline constexpr std::string_view kEllipsis = "…";

struct FittedLabel {
    std::string shown;       // the text, or its longest head that fits followed by "…"
    bool shortened = false;  // shown is not the whole text
};

// The longest head of `text` (whole UTF-8 characters, trailing blanks
// dropped) that with "…" measures at most `room`; the text itself when it
// fits. Only the first line counts: a label is one line, the rest is cut.
// When not even "…" fits, shown is empty (and shortened true).
FittedLabel fit_label(std::string_view text, float room, const MeasureText& width);

struct CutLabel {
    std::string where;   // the panel (and column), e.g. "queue: Recipients"
    std::string text;    // the whole text, or what was cut ("content 40 px wider than the window")
    float width = 0;     // what the text needs
    float room = 0;      // what it got
    bool tooltip = false;
};

class LabelAudit {
public:
    void begin_frame() {
        cut_.clear();
        fitted_ = 0;
    }
    // A label drawn through the fitting helper (it fitted or was shortened).
    void fitted() { ++fitted_; }
    void cut(CutLabel label) { cut_.push_back(std::move(label)); }

    const std::vector<CutLabel>& cut_labels() const { return cut_; }
    size_t fitted_count() const { return fitted_; }
    size_t shortened_count() const;         // cut, with a tooltip
    std::vector<CutLabel> without_tooltip() const;
    // "labels: 212 fitted, 9 shortened with a tooltip, 0 cut without one" and,
    // for each cut one without a tooltip, a line naming where and what.
    std::string report() const;

private:
    std::vector<CutLabel> cut_;
    size_t fitted_ = 0;
};

}  // namespace mailsim::gui
