# Writes a C++ file holding the zh and en string files as raw literals.
# Called by CMakeLists.txt with -DOUT= -DEN= -DZH=.
file(READ ${EN} en_text)
file(READ ${ZH} zh_text)
set(delim "MAILSIM_TEXT")
file(WRITE ${OUT}.tmp "// Generated from sim/text/*.json by sim/text/embed.cmake. Do not edit.
#include <string_view>
namespace mailsim::text {
extern const std::string_view kEmbeddedEn;
extern const std::string_view kEmbeddedZh;
const std::string_view kEmbeddedEn = R\"${delim}(${en_text})${delim}\";
const std::string_view kEmbeddedZh = R\"${delim}(${zh_text})${delim}\";
}
")
file(RENAME ${OUT}.tmp ${OUT})
