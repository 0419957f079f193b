// panel_message.cpp — the message at the cursor: envelope beside content,
// the MIME tree, the raw source with the selected part highlighted, and the
// selected part decoded.
//
// SMTP's envelope (MAIL FROM, RCPT TO) is not the message's header (From:,
// To:): a Bcc recipient, a bounce's null sender and a mailing list show the
// difference, so the two stand side by side. Parsing is sim/message's.
#include <algorithm>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "codec/charset.hpp"
#include "codec/encoded_word.hpp"
#include "core/ascii.hpp"
#include "message/mime.hpp"
#include "model/message_view.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

const ImVec4 kDamage{1, 0.5f, 0.4f, 1};

struct Cache {
    std::uint64_t generation = 0;
    std::uint32_t seq = UINT32_MAX;
    std::optional<MessageAtCursor> at;
    message::Message parsed;
    const message::Part* part = nullptr;  // selected part
    std::string part_path = "1";
};

void tree(App& app, Cache& c, const message::Part& p, const std::string& path) {
    std::string label = fmt::format("{}  {}", path, p.content_type.full());
    if (!p.filename.empty()) label += "  \"" + codec::decode_words(p.filename) + "\"";  // RFC 2231 decoded by the parser, RFC 2047 here
    if (!p.content_id.empty()) label += "  " + p.content_id;
    if (!p.description.empty()) label += "  (" + codec::decode_words(p.description) + ")";
    label += fmt::format("  [{}, {} B]", p.transfer_encoding, p.body_span.end - p.body_span.begin);
    ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_DefaultOpen | ImGuiTreeNodeFlags_OpenOnArrow | ImGuiTreeNodeFlags_SpanAvailWidth;
    if (p.children.empty()) flags |= ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen;
    if (c.part == &p) flags |= ImGuiTreeNodeFlags_Selected;
    // The label fitted to the tree's width, whole in a tooltip.
    const float room = ImGui::GetContentRegionAvail().x - ImGui::GetTreeNodeToLabelSpacing() - ImGui::GetStyle().FramePadding.x;
    const FittedLabel fitted = fit_label(label, room, [](std::string_view t) { return ImGui::CalcTextSize(t.data(), t.data() + t.size()).x; });
    app.labels.fitted();
    if (fitted.shortened) app.labels.cut({"message: MIME structure", label, ImGui::CalcTextSize(label.c_str()).x, room, true});
    bool open = ImGui::TreeNodeEx(path.c_str(), flags, "%s", fitted.shown.c_str());
    if (ImGui::IsItemClicked()) {
        c.part = &p;
        c.part_path = path;
    }
    if (ImGui::IsItemHovered()) {  // the whole label if shortened, and what the type is for
        std::string key = "gui.mime." + p.content_type.type;
        const bool explained = text::find(app.lang, key).has_value();
        if (fitted.shortened || explained)
            ImGui::SetTooltip("%s%s%s", fitted.shortened ? label.c_str() : "", fitted.shortened && explained ? "\n" : "",
                              explained ? T(app, key) : "");
    }
    if (open && !p.children.empty()) {
        for (size_t i = 0; i < p.children.size(); ++i) tree(app, c, *p.children[i], path + "." + std::to_string(i + 1));
        ImGui::TreePop();
    }
}

void raw_source(App& app, const Cache& c) {
    const std::string& raw = c.parsed.raw;
    // Line starts, once a message.
    static std::uint32_t for_seq = UINT32_MAX;
    static std::uint64_t for_trace = 0;
    static std::vector<size_t> starts;
    if (for_seq != c.seq || for_trace != c.generation || starts.empty()) {
        starts.assign(1, 0);
        for (size_t i = 0; i < raw.size(); ++i)
            if (raw[i] == '\n' && i + 1 < raw.size()) starts.push_back(i + 1);
        for_seq = c.seq;
        for_trace = c.generation;
    }
    message::Span hl = c.part ? c.part->span : message::Span{};
    message::Span hb = c.part ? c.part->body_span : message::Span{};
    ImGui::BeginChild("raw", {0, 0}, true, ImGuiWindowFlags_HorizontalScrollbar);
    if (app.mono) ImGui::PushFont(app.mono);
    // A newly selected part is scrolled into view, its first line on top.
    static const message::Part* shown_part = nullptr;
    if (c.part != shown_part) {
        shown_part = c.part;
        const size_t line = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), hl.begin) - starts.begin()) - 1;
        ImGui::SetScrollY(static_cast<float>(line) * ImGui::GetTextLineHeightWithSpacing());
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(starts.size()));
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            size_t b = starts[static_cast<size_t>(i)];
            size_t e = static_cast<size_t>(i) + 1 < starts.size() ? starts[static_cast<size_t>(i) + 1] : raw.size();
            std::string_view line(raw.data() + b, e - b);
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
            const bool in_part = b >= hl.begin && b < hl.end;
            const bool in_body = b >= hb.begin && b < hb.end;
            ImVec4 col = in_body ? ImVec4{1.0f, 0.95f, 0.6f, 1.0f} : in_part ? ImVec4{0.6f, 0.9f, 1.0f, 1.0f}
                                                                      : ImVec4{0.7f, 0.7f, 0.7f, 1.0f};
            if (in_part) {
                ImVec2 p = ImGui::GetCursorScreenPos();
                ImGui::GetWindowDrawList()->AddRectFilled(p, {p.x + ImGui::GetContentRegionAvail().x, p.y + ImGui::GetTextLineHeight()},
                                                          IM_COL32(60, 60, 30, 160));
            }
            ImGui::TextColored(col, "%.*s", static_cast<int>(line.size()), line.data());
        }
    if (app.mono) ImGui::PopFont();
    ImGui::EndChild();
}

// The part at a path such as "1.2.1" (1 is the message itself).
const message::Part* part_at(const message::Part* root, const std::string& path) {
    if (!root || path.empty() || path[0] != '1') return nullptr;
    const message::Part* p = root;
    for (size_t pos = 1; pos < path.size() && p;) {
        if (path[pos] != '.') return nullptr;
        size_t end = path.find('.', pos + 1);
        if (end == std::string::npos) end = path.size();
        const size_t k = static_cast<size_t>(std::atoi(path.substr(pos + 1, end - pos - 1).c_str()));
        p = k >= 1 && k <= p->children.size() ? p->children[k - 1].get() : nullptr;
        pos = end;
    }
    return p;
}

void open_in_lab(App& app, const Cache& c) {
    const message::Part& p = *c.part;
    std::string raw_body = c.parsed.raw.substr(p.body_span.begin, p.body_span.end - p.body_span.begin);
    std::snprintf(app.lab.input, sizeof app.lab.input, "%s", raw_body.substr(0, sizeof app.lab.input - 1).c_str());
    app.lab.decode = p.transfer_encoding == "base64" || p.transfer_encoding == "quoted-printable";
    app.lab.mode = p.transfer_encoding == "quoted-printable" ? 1 : 0;
    int cs = encoding_charset_index(p.charset.empty() ? "UTF-8" : p.charset);
    app.lab.charset = cs >= 0 ? cs : 0;
    app.lab.source = fmt::format("{} {}", T(app, "gui.message.part_name"), c.part_path);
    app.open[static_cast<size_t>(PanelId::encoding)] = true;
}

void decoded(App& app, Cache& c) {
    if (!c.part) return;
    const message::Part& p = *c.part;
    std::vector<message::Damage> damage;
    std::string body = message::decoded_body(c.parsed, p, &damage);
    FitTextDisabled(app, TF(app, "gui.message.part", {{"path", c.part_path}, {"type", p.content_type.full()},
                                                      {"encoding", p.transfer_encoding},
                                                      {"bytes", std::to_string(body.size())}}));
    if (p.children.empty() && ImGui::Button(T(app, "gui.message.to_lab"))) open_in_lab(app, c);
    const ImVec4 red{1, 0.5f, 0.4f, 1};
    for (const auto& d : damage) FitText(app, d.what, 0, &red);
    ImGui::BeginChild("decoded", {0, 0}, true, ImGuiWindowFlags_HorizontalScrollbar);
    if (p.content_type.type == "text" || p.content_type.type == "message") {
        std::string shown = body;
        if (!p.charset.empty() && !iequals(p.charset, "utf-8") && !iequals(p.charset, "us-ascii"))
            if (auto u = codec::convert_charset(body, p.charset, "UTF-8")) shown = *u;
        if (shown.size() > 20000) shown.resize(20000);
        ImGui::TextUnformatted(shown.c_str(), shown.c_str() + shown.size());
    } else {
        // Binary: the first bytes in hex.
        if (app.mono) ImGui::PushFont(app.mono);
        for (size_t row = 0; row < std::min<size_t>(body.size(), 512); row += 16) {
            std::string line = fmt::format("{:06x} ", row);
            for (size_t k = row; k < std::min(row + 16, body.size()); ++k) line += fmt::format(" {:02X}", static_cast<unsigned char>(body[k]));
            ImGui::TextUnformatted(line.c_str());
        }
        if (app.mono) ImGui::PopFont();
    }
    ImGui::EndChild();
}

}  // namespace

void ShowMessagePanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::message).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    static Cache c;
    // Which message: cheap to find again only when the cursor or selection moves.
    static size_t seen_cursor = SIZE_MAX;
    static std::optional<std::uint32_t> seen_selected;
    if (c.generation != s.generation() || seen_cursor != s.cursor() || seen_selected != s.selected) {
        auto at = message_at(s.trace(), s.index(), s.cursor(), s.selected);
        seen_cursor = s.cursor();
        seen_selected = s.selected;
        if (c.generation != s.generation() || !at || at->seq != c.seq) {
            c.generation = s.generation();
            c.seq = at ? at->seq : UINT32_MAX;
            c.at = std::move(at);
            c.parsed = c.at ? message::parse(c.at->raw) : message::Message{};
            c.part = c.parsed.root.get();
            c.part_path = "1";
        }
    }
    if (!c.at) {
        ImGui::TextWrapped("%s", T(app, "gui.message.none"));
        ImGui::End();
        return;
    }
    if (!app.select_part.empty()) {  // asked by a script (or a lesson)
        if (const message::Part* p = part_at(c.parsed.root.get(), app.select_part)) {
            c.part = p;
            c.part_path = app.select_part;
            if (app.part_to_lab && p->children.empty()) open_in_lab(app, c);
        } else {
            app.status = "no MIME part " + app.select_part;
        }
        app.select_part.clear();
        app.part_to_lab = false;
    }
    const MessageAtCursor& m = *c.at;
    FitTextDisabled(app, TF(app, "gui.message.carried", {{"conn", m.carried_by}, {"seq", std::to_string(m.seq)}}));
    if (ImGui::BeginTable("envelope", 2, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable)) {
        ImGui::TableSetupColumn(T(app, "gui.message.envelope"));
        ImGui::TableSetupColumn(T(app, "gui.message.header"));
        ImGui::TableHeadersRow();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        // Each line fitted to the column; the "(?)" keeps its place at the end of the last.
        const float help_w = ImGui::CalcTextSize("(?)").x + ImGui::GetStyle().ItemSpacing.x;
        if (m.has_envelope) {
            FitText(app, "MAIL FROM:<" + m.mail_from + ">", ImGui::GetContentRegionAvail().x - (m.rcpt_to.empty() ? help_w : 0));
            for (size_t i = 0; i < m.rcpt_to.size(); ++i) {
                const bool last = i + 1 == m.rcpt_to.size();
                const std::string rcpt = "RCPT TO:<" + m.rcpt_to[i] + ">";
                const bool replied = i < m.rcpt_replies.size() && !m.rcpt_replies[i].empty();
                // The reply it got: a refused recipient is in the envelope's history, not in its delivery.
                const float reply_w = replied ? ImGui::CalcTextSize(m.rcpt_replies[i].c_str()).x + ImGui::GetStyle().ItemSpacing.x : 0;
                const float avail = ImGui::GetContentRegionAvail().x - (last ? help_w : 0);
                FitText(app, rcpt, replied ? std::max(avail * 0.5f, avail - reply_w) : avail);
                if (!replied) continue;
                ImGui::SameLine();
                const ImVec4 colour = line_colour_vec(line_class(catalog::reply_class("smtp", m.rcpt_replies[i])));
                FitText(app, m.rcpt_replies[i], ImGui::GetContentRegionAvail().x - (last ? help_w : 0), &colour);
            }
        } else {
            FitTextDisabled(app, T(app, "gui.message.no_envelope"), ImGui::GetContentRegionAvail().x - help_w);
        }
        ImGui::SameLine();
        HelpMarker(T(app, "gui.message.envelope.help"));
        ImGui::TableNextColumn();
        if (c.parsed.root)
            for (const auto& h : c.parsed.root->headers) {
                if (iequals(h.name, "Received") || iequals(h.name, "Return-Path") || iequals(h.name, "Content-Type") ||
                    iequals(h.name, "Content-Transfer-Encoding") || iequals(h.name, "MIME-Version"))
                    continue;
                std::string v = codec::decode_words(h.value);
                // The name, then its value: each fitted, the name to at most half the column.
                const ImVec4 name_colour{0.6f, 0.85f, 1.0f, 1.0f};
                const std::string name = h.name + ":";
                FitText(app, name, std::min(ImGui::CalcTextSize(name.c_str()).x, ImGui::GetContentRegionAvail().x * 0.5f), &name_colour);
                ImGui::SameLine();
                FitText(app, v, std::max(1.0f, ImGui::GetContentRegionAvail().x));
            }
        ImGui::EndTable();
    }
    if (!c.parsed.damage.empty())
        for (const auto& d : c.parsed.damage)
            FitText(app, TF(app, "gui.message.damage", {{"offset", std::to_string(d.offset)}, {"what", d.what}}), 0, &kDamage);
    ImGui::Separator();
    // The tree and the source get at least eight lines: a small panel (a
    // large UI scale) scrolls down to them rather than squeezing them away.
    const float tree_w = ImGui::GetContentRegionAvail().x * 0.42f;
    const float lower_h = std::max(ImGui::GetContentRegionAvail().y, 8 * ImGui::GetTextLineHeightWithSpacing());
    ImGui::BeginChild("tree", {tree_w, lower_h}, true);
    FitTextDisabled(app, T(app, "gui.message.tree"));
    if (c.parsed.root) tree(app, c, *c.parsed.root, "1");
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("right", {0, lower_h}, false);
    if (ImGui::BeginTabBar("views")) {
        if (ImGui::BeginTabItem(T(app, "gui.message.raw"))) {
            raw_source(app, c);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(T(app, "gui.message.decoded"))) {
            decoded(app, c);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace mailsim::gui
