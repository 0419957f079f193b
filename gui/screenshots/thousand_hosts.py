#!/usr/bin/env python3
"""thousand_hosts.py: write a scenario of 1,000 hosts, a campus of 50 mail
domains, for the grouped topology (issue 16) and its screenshots.

    python3 gui/screenshots/thousand_hosts.py build/thousand-hosts.json

One DNS server, 50 departments each with a mail server and 18 or 19 user
agents (1 + 50 + 949 = 1,000 hosts), each agent linked to its server, and a
few mails between departments so that something is in flight. The file is
made, not committed: it is 100 kB of repetition.
"""
import json
import sys

DEPARTMENTS = [
    "physics", "chemistry", "biology", "maths", "history", "law", "medicine", "music", "art", "economics",
    "geology", "nursing", "pharmacy", "dentistry", "sociology", "psychology", "philosophy", "linguistics",
    "astronomy", "statistics", "architecture", "agriculture", "forestry", "oceanography", "robotics",
    "civil-eng", "mech-eng", "elec-eng", "chem-eng", "aero-eng", "computing", "informatics", "education",
    "journalism", "theatre", "dance", "film", "design", "business", "finance", "marketing", "tourism",
    "veterinary", "genetics", "neuroscience", "ecology", "anthropology", "archaeology", "classics", "library",
]
HOSTS = 1000


def scenario():
    agents_total = HOSTS - 1 - len(DEPARTMENTS)
    servers, agents, links = [], [], []
    for d, dept in enumerate(DEPARTMENTS):
        domain = f"{dept}.campus.edu"
        server = f"mail.{domain}"
        count = agents_total // len(DEPARTMENTS) + (1 if d < agents_total % len(DEPARTMENTS) else 0)
        users = []
        for k in range(1, count + 1):
            user = f"s{k:02d}"
            users.append({"name": user})
            host = f"{dept}-pc{k:02d}"
            agents.append({"host": host, "user": f"{user}@{domain}", "server": server})
            links.append({"between": [host, server], "latency": "2ms"})
        servers.append({"host": server, "domain": domain, "users": users})
        links.append({"between": [server, "dns.campus.edu"], "latency": "5ms"})
    mails = []
    for i, (a, b) in enumerate([(0, 7), (3, 31), (12, 40), (25, 2), (44, 19), (30, 30)]):
        mails.append({"at": f"{1 + i}s", "from": f"s01@{DEPARTMENTS[a]}.campus.edu",
                      "to": f"s02@{DEPARTMENTS[b]}.campus.edu",
                      "subject": f"Seminar {i + 1}", "body": "See you on Tuesday.\n"})
    return {
        "name": "thousand-hosts",
        "title": {"en": "A campus: 1,000 hosts in 50 mail domains", "zh": "一个校园：50 个邮件域中的 1000 台主机"},
        "seed": 1,
        "start": "2026-11-22T09:00:00Z",
        "latency": "20ms",
        "dns": {"host": "dns.campus.edu"},
        "servers": servers,
        "agents": agents,
        "links": links,
        "mails": mails,
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: thousand_hosts.py OUT.json")
    s = scenario()
    hosts = 1 + len(s["servers"]) + len(s["agents"])
    assert hosts == HOSTS, hosts
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(s, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
