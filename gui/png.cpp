// png.cpp — the window's back buffer as a PNG file.
#include "png.hpp"

#include <string>
#include <vector>

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include "core/error.hpp"

namespace mailsim::gui {

bool write_png(const std::string& path, int w, int h) {
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    for (size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;  // opaque
    // OpenGL's rows run bottom-up; PNG's top-down. Encoded in memory, then
    // saved by the one atomic writer (a random temp name, fsync, rename).
    std::string png;
    stbi_flip_vertically_on_write(1);
    auto append = [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &png, w, h, 4, pixels.data(), w * 4)) return false;
    return !write_file_atomically(path, png);
}

}  // namespace mailsim::gui
