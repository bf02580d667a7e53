#!/usr/bin/env python3
"""Loopback SMTP peers for the fault benches.

  sink.py sink PORT FILE     accepts every message; appends "<epoch seconds> <rcpt domain> <Message-ID>" per message to FILE
  sink.py silent PORT        accepts TCP and never greets (a hung MX)
  sink.py slow PORT          answers one octet per second (a tarpit MX)
  sink.py check ACCEPTED FILE   every Message-ID in ACCEPTED delivered exactly once? prints lost= and duplicates=, exits 1 if lost
Runs until killed (check: until done).
"""
import asyncio, collections, re, sys, time

MESSAGE_ID = re.compile(rb"^message-id:\s*<([^>]*)>", re.I | re.M)


async def sink(port, path):
    out = open(path, "a", buffering=1)

    async def session(reader, writer):
        try:
            writer.write(b"220 sink.example ESMTP\r\n")
            rcpt_domain = "-"
            while True:
                line = await reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250-sink.example\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n")
                elif verb == b"RCPT":
                    m = re.search(rb"@([^>]*)>", line)
                    rcpt_domain = m.group(1).decode() if m else "-"
                    writer.write(b"250 2.1.5 ok\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go on\r\n")
                    await writer.drain()
                    chunks = []
                    while True:
                        data = await reader.readline()
                        if not data:
                            return
                        if data == b".\r\n":
                            break
                        if len(chunks) < 50:  # the header section is all we look at
                            chunks.append(data)
                    m = MESSAGE_ID.search(b"".join(chunks))
                    out.write(f"{time.time():.3f} {rcpt_domain} {m.group(1).decode() if m else '-'}\n")
                    writer.write(b"250 2.0.0 stored\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    return
                else:
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(session, "127.0.0.1", port, backlog=512)
    await server.serve_forever()


async def silent(port):
    async def session(reader, writer):
        try:
            while await reader.read(4096):
                pass
        finally:
            writer.close()
    server = await asyncio.start_server(session, "127.0.0.1", port)
    await server.serve_forever()


async def slow(port):
    async def session(reader, writer):
        try:
            for octet in b"220 slow.example ESMTP a tarpit\r\n" * 100:
                writer.write(bytes([octet]))
                await writer.drain()
                await asyncio.sleep(1)
        except ConnectionError:
            pass
        finally:
            writer.close()
    server = await asyncio.start_server(session, "127.0.0.1", port)
    await server.serve_forever()


def check(accepted_path, delivered_path):
    accepted = [l.strip() for l in open(accepted_path) if l.strip()]
    delivered = collections.Counter(l.split()[2] for l in open(delivered_path) if l.strip())
    lost = [a for a in accepted if delivered[a] == 0]
    duplicates = sum(c - 1 for c in delivered.values() if c > 1)
    unexpected = sum(1 for d in delivered if d not in set(accepted))
    print(f"accepted(250)={len(accepted)} delivered={sum(delivered.values())} lost={len(lost)} duplicates={duplicates} delivered-without-250={unexpected}")
    return 1 if lost else 0


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    port = int(sys.argv[2])
    asyncio.run({"sink": lambda: sink(port, sys.argv[3]), "silent": lambda: silent(port), "slow": lambda: slow(port)}[mode]())
