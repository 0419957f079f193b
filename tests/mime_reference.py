#!/usr/bin/env python3
"""Reference MIME trees from Python's email package, for tests/test_mime.cpp.

Reads message files named on the command line and prints, for each, one JSON
line: the tree of parts with content_type, charset, transfer_encoding,
filename, size and sha256 of the decoded bytes (leaves), parts (children).
"""
import email
import email.policy
import hashlib
import json
import sys


def tree(part):
    node = {
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset() if part.get_content_maintype() == "text" else None,
        "transfer_encoding": (part.get("Content-Transfer-Encoding") or "7bit").strip().lower(),
        "filename": part.get_filename(),
        "parts": [],
    }
    if node["content_type"] == "text/plain" or part.get_content_maintype() == "text":
        node["charset"] = node["charset"] or "us-ascii"
    if part.is_multipart():
        node["size"] = None
        node["sha256"] = None
        node["parts"] = [tree(p) for p in part.get_payload()]
    else:
        data = part.get_payload(decode=True) or b""
        if part.get_content_maintype() == "text":  # line breaks as LF (see test_mime.cpp)
            data = data.replace(b"\r\n", b"\n")
        node["size"] = len(data)
        node["sha256"] = hashlib.sha256(data).hexdigest()
    return node


for path in sys.argv[1:]:
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    print(json.dumps(tree(msg), sort_keys=True))
