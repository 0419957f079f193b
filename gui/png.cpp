// png.cpp — the window's back buffer as a PNG file.
#include "png.hpp"

#include <filesystem>
#include <vector>

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

namespace mailsim::gui {

bool write_png(const std::string& path, int w, int h) {
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    for (size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;  // opaque
    // OpenGL's rows run bottom-up; PNG's top-down. Write to a temp file, then rename.
    std::string tmp = path + ".tmp.png";
    stbi_flip_vertically_on_write(1);
    if (!stbi_write_png(tmp.c_str(), w, h, 4, pixels.data(), w * 4)) return false;
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    return !ec;
}

}  // namespace mailsim::gui
