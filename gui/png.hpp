// png.hpp — screenshots: the frame just drawn, written as a PNG.
#pragma once

#include <string>

namespace mailsim::gui {

// Reads the back buffer (w × h) and writes it atomically (temp file, rename).
bool write_png(const std::string& path, int w, int h);

}  // namespace mailsim::gui
