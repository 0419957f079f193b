// bouncer.cpp — the text of a non-delivery report.
#include "agents/bouncer.hpp"

#include <fmt/format.h>

namespace mailsim::agents {

std::string Bouncer::compose(const BounceReport& r, std::string_view original) {
    std::string out;
    auto add = [&](std::string_view line) { out.append(line).append("\r\n"); };
    add(fmt::format("From: Mail Delivery System <MAILER-DAEMON@{}>", r.from_domain));
    add(fmt::format("To: <{}>", r.to));
    add(r.expired ? "Subject: Undelivered Mail Returned to Sender (delivery time expired)"
                  : "Subject: Undelivered Mail Returned to Sender");
    add("Date: " + r.date);
    add("Message-ID: " + r.message_id);
    add("Auto-Submitted: auto-replied");
    add("");
    add(fmt::format("This is the mail system at host {}.", r.from_host));
    add("");
    if (r.expired) {
        add(fmt::format("Your message could not be delivered for {} and the mail", r.waited));
        add("system has given up trying. The last answer for each recipient follows.");
    } else {
        add("I'm sorry to have to inform you that your message could not");
        add("be delivered to one or more recipients. The reason follows.");
    }
    add("");
    for (const auto& i : r.items) {
        if (i.remote_host.empty())
            add(fmt::format("<{}>: {}", i.recipient, i.reply));
        else
            add(fmt::format("<{}>: host {} said: {} (in reply to {} command)", i.recipient, i.remote_host, i.reply,
                            i.stage == "END-OF-DATA" ? "end of DATA" : i.stage));
    }
    add("");
    add("--- The headers of your message follow ---");
    add("");
    size_t end = original.find("\r\n\r\n");
    std::string_view headers = end == std::string_view::npos ? original : original.substr(0, end + 2);
    out.append(headers);
    if (!headers.empty() && headers.substr(headers.size() - 1) != "\n") out += "\r\n";
    return out;
}

}  // namespace mailsim::agents
