// panel_encoding.cpp — the encoding lab: text → charset bytes → base64 or
// quoted-printable, step by step, and back.
//
// Encoding: the text in the chosen charset (hex and bits), then for base64
// each 3-byte group → its 24 bits → four 6-bit values → four characters
// (with padding), or for quoted-printable each byte → kept or =XX, and why.
// Decoding reads the same table right to left. The steps come from
// sim/codec's explain(); the panel only draws them.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "codec/base64.hpp"
#include "core/ascii.hpp"
#include "codec/charset.hpp"
#include "codec/quoted_printable.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

const ImVec4 kError{1, 0.5f, 0.4f, 1};
const char* const kCharsets[] = {"UTF-8", "GB2312", "GBK", "GB18030", "Big5", "ISO-8859-1"};

std::string bits_of(unsigned char b) {
    std::string s(8, '0');
    for (int i = 0; i < 8; ++i)
        if (b & (0x80 >> i)) s[static_cast<size_t>(i)] = '1';
    return s;
}

void bytes_table(App& app, std::string_view bytes) {
    FitTextDisabled(app, TF(app, "gui.lab.bytes", {{"count", std::to_string(bytes.size())}}));
    if (app.mono) ImGui::PushFont(app.mono);
    std::string hex, bin;
    const size_t shown = std::min<size_t>(bytes.size(), 24);
    for (size_t i = 0; i < shown; ++i) {
        hex += fmt::format("{:02X}{}", static_cast<unsigned char>(bytes[i]), i + 1 < shown ? " " : "");
        bin += bits_of(static_cast<unsigned char>(bytes[i])) + (i + 1 < shown ? " " : "");
    }
    if (shown < bytes.size()) hex += " …";
    ImGui::TextWrapped("hex: %s", hex.c_str());
    ImGui::TextWrapped("bin: %s", bin.c_str());
    if (app.mono) ImGui::PopFont();
}

void base64_steps(App& app, std::string_view bytes, bool decoding) {
    auto groups = codec::explain_base64(bytes);
    const ImU32 sextet_colours[] = {IM_COL32(255, 140, 140, 255), IM_COL32(140, 220, 140, 255),
                                    IM_COL32(140, 180, 255, 255), IM_COL32(240, 200, 120, 255)};
    // Columns as wide as what they hold (the 24 bits never cut); a narrow
    // panel scrolls the table sideways.
    if (ImGui::BeginTable("b64", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                        ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit)) {
        const char* cols[] = {"gui.lab.col.bytes", "gui.lab.col.bits", "gui.lab.col.sextets", "gui.lab.col.chars"};
        if (decoding) std::reverse(std::begin(cols), std::end(cols));
        // Not resizable and sized to fit: each column is as wide as its widest cell or its header, every frame.
        for (const char* c : cols) ImGui::TableSetupColumn(T(app, c));
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(groups.size()));
        while (clipper.Step())
            for (int gi = clipper.DisplayStart; gi < clipper.DisplayEnd; ++gi) {
                const auto& g = groups[static_cast<size_t>(gi)];
                ImGui::TableNextRow();
                auto cell_bytes = [&] {
                    std::string h;
                    for (unsigned char b : g.bytes) h += fmt::format("{:02X} ", b);
                    ImGui::TextUnformatted(h.c_str());
                };
                auto cell_bits = [&] {
                    // Four 6-bit runs in four colours; padding bits (zero-filled) dimmed.
                    const size_t real_bits = g.bytes.size() * 8;
                    for (int k = 0; k < 4; ++k) {
                        if (k) ImGui::SameLine(0, 4);
                        std::string run = g.bits.substr(static_cast<size_t>(k) * 6, 6);
                        const bool pad = static_cast<size_t>(k) * 6 >= real_bits;
                        ImGui::PushStyleColor(ImGuiCol_Text, pad ? IM_COL32(110, 110, 110, 255) : sextet_colours[k]);
                        ImGui::TextUnformatted(run.c_str());
                        ImGui::PopStyleColor();
                    }
                };
                auto cell_sextets = [&] {
                    std::string v;
                    for (int k = 0; k < 4; ++k) v += g.sextets[static_cast<size_t>(k)] < 0 ? "—  " : fmt::format("{:<3}", g.sextets[static_cast<size_t>(k)]);
                    ImGui::TextUnformatted(v.c_str());
                };
                auto cell_chars = [&] {
                    for (int k = 0; k < 4; ++k) {
                        if (k) ImGui::SameLine(0, 6);
                        ImGui::PushStyleColor(ImGuiCol_Text, g.chars[static_cast<size_t>(k)] == '=' ? IM_COL32(150, 150, 150, 255) : sextet_colours[k]);
                        ImGui::Text("%c", g.chars[static_cast<size_t>(k)]);
                        ImGui::PopStyleColor();
                    }
                };
                if (app.mono) ImGui::PushFont(app.mono);
                if (decoding) {
                    ImGui::TableNextColumn(); cell_chars();
                    ImGui::TableNextColumn(); cell_sextets();
                    ImGui::TableNextColumn(); cell_bits();
                    ImGui::TableNextColumn(); cell_bytes();
                } else {
                    ImGui::TableNextColumn(); cell_bytes();
                    ImGui::TableNextColumn(); cell_bits();
                    ImGui::TableNextColumn(); cell_sextets();
                    ImGui::TableNextColumn(); cell_chars();
                }
                if (app.mono) ImGui::PopFont();
            }
        ImGui::EndTable();
    }
}

void qp_steps(App& app, std::string_view bytes, bool decoding) {
    auto steps = codec::explain_qp(bytes);
    if (ImGui::BeginTable("qp", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY)) {
        ImGui::TableSetupColumn(T(app, decoding ? "gui.lab.col.written" : "gui.lab.col.byte"), ImGuiTableColumnFlags_WidthFixed, Px(app, 90));
        ImGui::TableSetupColumn(T(app, decoding ? "gui.lab.col.byte" : "gui.lab.col.written"), ImGuiTableColumnFlags_WidthFixed, Px(app, 90));
        ImGui::TableSetupColumn(T(app, "gui.lab.col.why"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(steps.size()));
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const auto& st = steps[static_cast<size_t>(i)];
                std::string byte = st.byte >= 0x21 && st.byte < 0x7F ? fmt::format("{:02X} '{}'", st.byte, static_cast<char>(st.byte))
                                                                     : fmt::format("{:02X}", st.byte);
                std::string out;
                for (char ch : st.output) out += ch == '\r' ? std::string("\\r") : ch == '\n' ? std::string("\\n") : std::string(1, ch);
                const bool kept = st.reason == "codec.qp.reason.kept";
                ImGui::TableNextRow();
                if (app.mono) ImGui::PushFont(app.mono);
                ImGui::TableNextColumn();
                FitText(app, decoding ? out : byte);
                ImGui::TableNextColumn();
                const ImVec4 colour = kept ? ImVec4{0.8f, 0.8f, 0.8f, 1} : ImVec4{1.0f, 0.8f, 0.4f, 1};
                FitText(app, decoding ? byte : out, 0, &colour);
                if (app.mono) ImGui::PopFont();
                ImGui::TableNextColumn();
                ImGui::TextWrapped("%s", T(app, st.reason));
            }
        ImGui::EndTable();
    }
}

}  // namespace

int encoding_charset_index(std::string_view name) {
    for (size_t i = 0; i < std::size(kCharsets); ++i)
        if (iequals(kCharsets[i], name)) return static_cast<int>(i);
    if (iequals(name, "us-ascii")) return 0;
    return -1;
}

void ShowEncodingPanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::encoding).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    EncodingLab& lab = app.lab;
    // One row of choices where it fits, wrapping where the panel is narrow.
    if (ImGui::RadioButton(T(app, "gui.lab.encode"), !lab.decode)) lab.decode = false;
    SameLineIfFits(CheckboxWidth(T(app, "gui.lab.decode")));
    if (ImGui::RadioButton(T(app, "gui.lab.decode"), lab.decode)) lab.decode = true;
    SameLineIfFits(Px(app, 120));
    ImGui::SetNextItemWidth(std::min(Px(app, 120), ImGui::GetContentRegionAvail().x));
    const char* modes[] = {"base64", "quoted-printable"};
    ImGui::Combo("##mode", &lab.mode, modes, 2);
    const float charset_w = Px(app, 110) + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(T(app, "gui.lab.charset")).x;
    SameLineIfFits(charset_w);
    ImGui::SetNextItemWidth(std::max(Px(app, 30), std::min(Px(app, 110), ImGui::GetContentRegionAvail().x - (charset_w - Px(app, 110)))));
    ImGui::Combo(T(app, "gui.lab.charset"), &lab.charset, kCharsets, static_cast<int>(std::size(kCharsets)));
    if (!lab.source.empty()) {
        const std::string from = "(" + lab.source + ")";
        SameLineIfFits(std::min(ImGui::CalcTextSize(from.c_str()).x, Px(app, 80)));
        FitTextDisabled(app, from);
    }
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputTextMultiline("##input", lab.input, sizeof lab.input, {-1, ImGui::GetTextLineHeight() * 2.6f}))
        lab.source.clear();
    const std::string charset = kCharsets[std::clamp(lab.charset, 0, static_cast<int>(std::size(kCharsets)) - 1)];
    std::string input = lab.input;

    if (!lab.decode) {
        auto bytes = codec::convert_charset(input, "UTF-8", charset);
        if (!bytes) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1, 0.5f, 0.4f, 1});
            ImGui::TextWrapped("%s", bytes.error().message().c_str());
            ImGui::PopStyleColor();
            ImGui::End();
            return;
        }
        bytes_table(app, *bytes);
        std::string out = lab.mode == 0 ? codec::base64_encode(*bytes) : codec::qp_encode(*bytes);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        if (app.mono) ImGui::PushFont(app.mono);
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{0.5f, 1.0f, 0.6f, 1});
        ImGui::TextWrapped("= %s", out.size() > 300 ? (out.substr(0, 300) + " …").c_str() : out.c_str());
        ImGui::PopStyleColor();
        if (app.mono) ImGui::PopFont();
        if (lab.mode == 0) base64_steps(app, *bytes, false);
        else qp_steps(app, *bytes, false);
    } else {
        std::vector<codec::CodecError> errors;
        std::string bytes = lab.mode == 0 ? codec::base64_decode(input, &errors) : codec::qp_decode(input, &errors);
        for (size_t i = 0; i < std::min<size_t>(errors.size(), 3); ++i)
            FitText(app, TF(app, "gui.lab.error", {{"offset", std::to_string(errors[i].offset)}, {"what", errors[i].what}}), 0, &kError);
        bytes_table(app, bytes);
        auto text_out = codec::convert_charset(bytes, charset, "UTF-8");
        if (text_out) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{0.5f, 1.0f, 0.6f, 1});
            ImGui::TextWrapped("= %s", text_out->size() > 600 ? (text_out->substr(0, 600) + " …").c_str() : text_out->c_str());
            ImGui::PopStyleColor();
        }
        else FitText(app, text_out.error().message(), 0, &kError);
        if (lab.mode == 0) base64_steps(app, bytes, true);
        else qp_steps(app, bytes, true);
    }
    ImGui::End();
}

}  // namespace mailsim::gui
