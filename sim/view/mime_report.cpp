// mime_report.cpp — see mime_report.hpp.
#include "view/mime_report.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "codec/encoded_word.hpp"
#include "codec/sha256.hpp"
#include "core/json_text.hpp"
#include "view/transcript.hpp"

namespace mailsim::view {

namespace {

struct Leaf {
    size_t size = 0;
    std::string sha256;
};

// Each leaf's decoded size and digest, in tree order; decoding problems go to damage.
void measure(const message::Message& m, const message::Part& p, std::vector<Leaf>& leaves,
             std::vector<message::Damage>& damage) {
    if (p.children.empty()) {
        std::string body = message::decoded_body(m, p, &damage);
        leaves.push_back({body.size(), codec::sha256_hex(body)});
        return;
    }
    for (const auto& c : p.children) measure(m, *c, leaves, damage);
}

// Hands text to the sink in chunks (a message of ten thousand parts is a lot of lines).
class Out {
public:
    explicit Out(const std::function<void(std::string_view)>& sink) : sink_(sink) {}
    ~Out() { flush(); }
    std::string& buf() { return buf_; }
    void maybe_flush() {
        if (buf_.size() > (1 << 16)) flush();
    }
    void flush() {
        if (!buf_.empty()) sink_(buf_);
        buf_.clear();
    }

private:
    const std::function<void(std::string_view)>& sink_;
    std::string buf_;
};

// As nlohmann's dump(2): "{\n", two spaces a level, "\"key\": value", ",\n" between, "}".
class JsonWriter {
public:
    explicit JsonWriter(Out& out) : out_(out) {}
    void open(char bracket) {
        out_.buf() += bracket;
        first_ = true;
        ++depth_;
    }
    void close(char bracket, bool empty) {
        --depth_;
        if (!empty) newline();
        out_.buf() += bracket;
        first_ = false;
        out_.maybe_flush();
    }
    void key(std::string_view k) {
        item();
        append_json_string(out_.buf(), k);
        out_.buf() += ": ";
    }
    void item() {  // before a value in an array, or a key in an object
        if (!first_) out_.buf() += ',';
        first_ = false;
        newline();
    }
    void str(std::string_view v) { append_json_string(out_.buf(), v); }
    void str_or_null(std::string_view v) {
        if (v.empty()) out_.buf() += "null";
        else str(v);
    }
    void num(size_t n) { out_.buf() += std::to_string(n); }
    void null() { out_.buf() += "null"; }

private:
    void newline() {
        out_.buf() += '\n';
        out_.buf().append(static_cast<size_t>(depth_) * 2, ' ');
    }
    Out& out_;
    int depth_ = 0;
    bool first_ = true;
};

void write_part(JsonWriter& w, const message::Message& m, const message::Part& p, const std::vector<Leaf>& leaves,
                size_t& leaf, const std::vector<message::Damage>* damage,
                const std::vector<std::pair<const message::HeaderField*, std::string>>* headers) {
    w.open('{');
    w.key("charset");
    w.str_or_null(p.charset);
    w.key("content_id");
    w.str_or_null(p.content_id);
    w.key("content_type");
    w.str(p.content_type.full());
    if (damage) {
        w.key("damage");
        w.open('[');
        for (const auto& d : *damage) {
            w.item();
            w.open('{');
            w.key("offset");
            w.num(d.offset);
            w.key("what");
            w.str(d.what);
            w.close('}', false);
        }
        w.close(']', damage->empty());
    }
    w.key("description");
    w.str_or_null(p.description.empty() ? std::string{} : codec::decode_words(p.description));
    w.key("disposition");
    w.str_or_null(p.disposition);
    w.key("filename");
    w.str_or_null(p.filename.empty() ? std::string{} : codec::decode_words(p.filename));
    if (headers) {
        w.key("headers");
        w.open('[');
        for (const auto& [h, value] : *headers) {
            w.item();
            w.open('{');
            w.key("name");
            w.str(h->name);
            w.key("offset");
            w.num(h->span.begin);
            w.key("value");
            w.str(value);
            w.close('}', false);
        }
        w.close(']', headers->empty());
    }
    w.key("offset");
    w.num(p.span.begin);
    w.key("parts");
    w.open('[');
    for (const auto& c : p.children) {
        w.item();
        write_part(w, m, *c, leaves, leaf, nullptr, nullptr);
    }
    w.close(']', p.children.empty());
    const Leaf* l = p.children.empty() ? &leaves.at(leaf++) : nullptr;
    w.key("sha256");
    if (l) w.str(l->sha256);
    else w.null();
    w.key("size");
    if (l) w.num(l->size);
    else w.null();
    w.key("transfer_encoding");
    w.str(p.transfer_encoding);
    w.close('}', false);
}

void print_tree(Out& out, const message::Part& p, const std::vector<Leaf>& leaves, size_t& leaf, const std::string& indent,
                bool last, bool root) {
    std::string line = p.content_type.full();
    if (!p.charset.empty()) line += "; charset=" + p.charset;
    line += "  " + p.transfer_encoding;
    if (!p.disposition.empty()) line += "  " + p.disposition;
    if (!p.filename.empty()) line += " \"" + codec::decode_words(p.filename) + "\"";
    if (!p.content_id.empty()) line += "  " + p.content_id;
    if (!p.description.empty()) line += "  (" + codec::decode_words(p.description) + ")";
    if (p.children.empty()) {
        const Leaf& l = leaves.at(leaf++);
        line += fmt::format("  {} bytes  sha256 {}", l.size, l.sha256.substr(0, 16));
    }
    // The message's own bytes: no ESC or NUL reaches the terminal.
    out.buf() += (root ? "" : indent + (last ? "└─ " : "├─ ")) + visible(line) + "\n";
    out.maybe_flush();
    for (size_t i = 0; i < p.children.size(); ++i)
        print_tree(out, *p.children[i], leaves, leaf, root ? "" : indent + (last ? "   " : "│  "),
                   i + 1 == p.children.size(), false);
}

}  // namespace

void mime_report(const message::Message& m, bool json, text::Lang lang,
                 const std::function<void(std::string_view)>& sink) {
    std::vector<message::Damage> damage = m.damage;
    std::vector<Leaf> leaves;
    measure(m, *m.root, leaves, damage);
    std::vector<std::pair<const message::HeaderField*, std::string>> headers;
    std::vector<codec::CodecError> word_errors;
    for (const auto& h : m.root->headers) headers.emplace_back(&h, codec::decode_words(h.value, &word_errors));
    Out out(sink);
    size_t leaf = 0;
    if (json) {
        JsonWriter w(out);
        write_part(w, m, *m.root, leaves, leaf, &damage, &headers);
        out.buf() += '\n';
        return;
    }
    for (const auto& [h, value] : headers) {
        // visible(): a NUL does not cut the value short, an ESC does not reach the terminal
        out.buf() += visible(h->name) + ": " + visible(value) + "\n";
        out.maybe_flush();
    }
    out.buf() += "\n";
    print_tree(out, *m.root, leaves, leaf, "", true, true);
    for (const auto& d : damage) {
        out.buf() += visible(text::get(lang, "cli.mime.damage", {{"offset", std::to_string(d.offset)}, {"what", d.what}}));
        out.buf() += "\n";
        out.maybe_flush();
    }
}

}  // namespace mailsim::view
