// file_browser.cpp — listing a folder for the Open dialog (std::filesystem).
#include "model/file_browser.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/ascii.hpp"

namespace mailsim::gui {

namespace {

namespace fs = std::filesystem;

bool has_extension(std::string_view name, std::initializer_list<std::string_view> extensions) {
    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    const std::string_view ext = name.substr(dot);
    for (std::string_view e : extensions)
        if (iequals(ext, e)) return true;
    return false;
}

}  // namespace

bool matches_kind(std::string_view name, FileKind kind) {
    switch (kind) {
    case FileKind::all: return true;
    case FileKind::json: return has_extension(name, {".json"});
    case FileKind::capture: return has_extension(name, {".pcap", ".pcapng", ".cap"});
    case FileKind::log: return has_extension(name, {".log", ".txt"});
    case FileKind::mail:
        return matches_kind(name, FileKind::json) || matches_kind(name, FileKind::capture) || matches_kind(name, FileKind::log);
    case FileKind::count: break;
    }
    return false;
}

bool FileBrowser::go_to(const std::string& dir) {
    std::error_code ec;
    fs::path p = fs::absolute(dir.empty() ? fs::path(".") : fs::path(dir), ec);
    if (!ec) p = fs::weakly_canonical(p, ec);
    if (ec || !fs::is_directory(p, ec)) {
        error_ = dir + ": " + (ec ? ec.message() : "not a folder");
        return false;
    }
    std::vector<FileEntry> listed;
    size_t hidden = 0;
    fs::directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        error_ = p.string() + ": " + ec.message();
        return false;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            error_ = p.string() + ": " + ec.message();
            return false;
        }
        std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        std::error_code entry_ec;
        FileEntry e{name, it->is_directory(entry_ec), 0};
        if (!e.directory) {
            if (!matches_kind(name, kind_)) {
                ++hidden;
                continue;
            }
            const auto size = it->file_size(entry_ec);
            e.size = entry_ec ? 0 : size;
        }
        listed.push_back(std::move(e));
    }
    std::sort(listed.begin(), listed.end(), [](const FileEntry& a, const FileEntry& b) {
        if (a.directory != b.directory) return a.directory;
        return a.name < b.name;
    });
    dir_ = p.string();
    entries_ = std::move(listed);
    hidden_ = hidden;
    error_.clear();
    return true;
}

bool FileBrowser::go_up() {
    const fs::path p(dir_);
    if (!p.has_parent_path() || p.parent_path() == p) return false;
    return go_to(p.parent_path().string());
}

void FileBrowser::refresh() { go_to(dir_); }

void FileBrowser::set_kind(FileKind kind) {
    kind_ = kind;
    if (!dir_.empty()) refresh();
}

std::string FileBrowser::resolve(std::string_view typed) const {
    const fs::path p{std::string(typed)};
    return p.is_absolute() ? p.string() : (fs::path(dir_) / p).string();
}

std::string FileBrowser::path_of(const FileEntry& e) const { return (fs::path(dir_) / e.name).string(); }

}  // namespace mailsim::gui
