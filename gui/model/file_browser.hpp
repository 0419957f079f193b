// file_browser.hpp — what File ▸ Open… shows: one folder's entries, a path
// being typed, and a filter by kind of file.
//
// Debian 12 offers no small portable native file dialog, so the GUI draws
// its own (gui/dialog_open.cpp); this is its state, without ImGui, so the
// tests list, filter and walk folders without a window. The filter is only
// a convenience by file name: what a file is (trace, scenario, lesson,
// capture, log) is found by its content by the loaders when it is opened,
// so "all files" shows everything and a capture named .dat opens as well.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::gui {

// The filter's choices, in the order the dialog lists them.
enum class FileKind { all, mail, json, capture, log, count };
// Their text keys ("gui.open.kind.all", ...).
inline constexpr std::array<std::string_view, 5> kFileKindNames{"all", "mail", "json", "capture", "log"};
static_assert(kFileKindNames.size() == static_cast<size_t>(FileKind::count));

// Whether a file named `name` is listed under `kind` (by its extension, any case).
bool matches_kind(std::string_view name, FileKind kind);

struct FileEntry {
    std::string name;       // the file name, without the folder
    bool directory = false;
    std::uintmax_t size = 0;  // bytes; 0 for a folder
};

class FileBrowser {
public:
    // Lists `dir` (made absolute). On failure (no such folder, no permission)
    // the browser stays where it was and error() names the folder and why.
    bool go_to(const std::string& dir);
    // The parent folder; false at the root.
    bool go_up();
    // Lists the folder again (after the filter changed, or the disk did).
    void refresh();
    void set_kind(FileKind kind);

    const std::string& dir() const { return dir_; }
    FileKind kind() const { return kind_; }
    // Folders first, then the files the filter lets through; names sorted,
    // hidden ones (".name") left out.
    const std::vector<FileEntry>& entries() const { return entries_; }
    // Files in the folder the filter hid.
    size_t hidden_by_filter() const { return hidden_; }

    // The path a typed text means: as it is when absolute, else inside dir().
    std::string resolve(std::string_view typed) const;
    // The full path of an entry.
    std::string path_of(const FileEntry& e) const;

    // The last error (listing a folder, or opening a file: set by the dialog
    // with the loader's message); empty when none.
    const std::string& error() const { return error_; }
    void set_error(std::string e) { error_ = std::move(e); }

private:
    std::string dir_;
    FileKind kind_ = FileKind::mail;  // every kind mailsim opens
    std::vector<FileEntry> entries_;
    size_t hidden_ = 0;
    std::string error_;
};

}  // namespace mailsim::gui
