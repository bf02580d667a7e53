#!/usr/bin/env python3
"""Verify a saved message's DKIM signature with dkimpy, an implementation independent of ActorMta's (MimeKit).

usage: verify.py MESSAGE.eml TXT
  TXT: the key record's text ("v=DKIM1; k=rsa; p=...") or a file holding it, as `actormta dkim keygen` printed it
       (its quoted strings joined). It is served for whatever selector and domain the signature names, so no DNS
       is needed. ed25519-sha256 (RFC 8463) needs PyNaCl (apt-get install python3-nacl).
Exit 0 when every DKIM-Signature verifies, 1 when one does not, 2 on bad usage.
"""
import os
import sys

import dkim


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        message = f.read()
    txt = argv[2]
    if os.path.isfile(txt):
        with open(txt) as f:
            txt = f.read()
    record = txt.strip().encode("ascii")

    def dnsfunc(name, timeout=5):
        return record

    signatures = message.count(b"\nDKIM-Signature:") + (1 if message.startswith(b"DKIM-Signature:") else 0)
    if signatures == 0:
        print(f"{argv[1]}: no DKIM-Signature")
        return 1
    ok = True
    for index in range(signatures):
        verifier = dkim.DKIM(message)
        try:
            good = verifier.verify(idx=index, dnsfunc=dnsfunc)
            why = ""
        except dkim.DKIMException as e:
            good, why = False, f" ({e})"
        tags = verifier.signature_fields
        algorithm = tags.get(b"a", b"?").decode()
        domain = tags.get(b"d", b"?").decode()
        selector = tags.get(b"s", b"?").decode()
        print(f"{argv[1]}: signature {index} a={algorithm} d={domain} s={selector}: {'pass' if good else 'FAIL'}{why}")
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
