// label_fit.cpp — shortening a label to its room; the frame's record of cut labels.
#include "model/label_fit.hpp"

#include <fmt/format.h>

namespace mailsim::gui {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

FittedLabel fit_label(std::string_view text, float room, const MeasureText& width) {
    const size_t eol = text.find_first_of("\r\n");
    const bool more_lines = eol != std::string_view::npos;
    const std::string_view line = text.substr(0, eol);
    if (!more_lines && width(line) <= room) return {std::string(line), false};
    // Character boundaries of the line: a head ends at one of them.
    std::vector<size_t> ends;
    for (size_t i = 1; i <= line.size(); ++i)
        if (i == line.size() || !continuation(line[i])) ends.push_back(i);
    auto with_ellipsis = [&](size_t end) {
        std::string_view head = line.substr(0, end);
        while (!head.empty() && (head.back() == ' ' || head.back() == '\t')) head.remove_suffix(1);
        return std::string(head) + std::string(kEllipsis);
    };
    // The longest head that fits: widths grow with the head, so bisect.
    size_t lo = 0, hi = ends.size();  // heads ends[0..lo) fit; ends[hi..) do not
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (width(with_ellipsis(ends[mid])) <= room) lo = mid + 1;
        else hi = mid;
    }
    if (lo > 0) return {with_ellipsis(ends[lo - 1]), true};
    if (width(kEllipsis) <= room) return {std::string(kEllipsis), true};
    return {std::string{}, true};
}

size_t LabelAudit::shortened_count() const {
    size_t n = 0;
    for (const auto& c : cut_) n += c.tooltip ? 1 : 0;
    return n;
}

std::vector<CutLabel> LabelAudit::without_tooltip() const {
    std::vector<CutLabel> out;
    for (const auto& c : cut_)
        if (!c.tooltip) out.push_back(c);
    return out;
}

std::string LabelAudit::report() const {
    const auto bad = without_tooltip();
    std::string out = fmt::format("labels: {} fitted, {} shortened with a tooltip, {} cut without one", fitted_,
                                  shortened_count(), bad.size());
    for (const auto& c : bad)
        out += fmt::format("\n  cut without a tooltip in {}: \"{}\" needs {:.0f} px, has {:.0f}", c.where, c.text, c.width, c.room);
    return out;
}

}  // namespace mailsim::gui
