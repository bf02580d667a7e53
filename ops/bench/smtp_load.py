#!/usr/bin/env python3
"""SMTP load for the bench scripts: SESSIONS connections at once, MESSAGES messages in all, each of
about SIZE octets with a unique Message-ID, over loopback. Counts every reply to the end of data by
class (250, 4xx, 5xx, connection errors) and writes the Message-IDs that got 250 to --accepted, so
a sink can be checked against them (each one delivered exactly once). One message body is shared by
all connections (only its Message-ID line differs), so the load itself stays small in memory.

usage: smtp_load.py HOST PORT [--sessions N] [--messages M] [--size OCTETS] [--accepted FILE]
                   [--rcpt-domains a.example,b.example] [--retry-for SECONDS] [--timeout SECONDS]
"""
import argparse, asyncio, collections, sys, time, uuid


async def reply(reader):
    lines = []
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("connection closed")
        lines.append(line.decode("ascii", "replace").rstrip("\r\n"))
        if len(line) < 4 or line[3:4] != b"-":
            return int(lines[-1][:3]), lines[-1]


async def command(reader, writer, line):
    writer.write(line.encode() + b"\r\n")
    await writer.drain()
    return await reply(reader)


def body_for(size):
    line = b"x" * 76 + b"\r\n"
    return line * max(1, size // len(line))


async def send_one(args, filler, message_id, rcpt):
    reader, writer = await asyncio.open_connection(args.host, args.port)
    try:
        code, text = await reply(reader)
        if code != 220:
            return code, text
        for line in ("EHLO load.example", "MAIL FROM:<load@src.example>", f"RCPT TO:<{rcpt}>", "DATA"):
            code, text = await command(reader, writer, line)
            if code >= 400 or (line == "DATA" and code != 354):
                return code, text
        header = (f"Message-ID: <{message_id}>\r\nFrom: load@src.example\r\nTo: {rcpt}\r\n"
                  f"Subject: load {message_id}\r\n\r\n").encode()
        writer.write(header)
        view = memoryview(filler)
        for start in range(0, len(view), 1 << 20):
            writer.write(view[start:start + (1 << 20)])
            await writer.drain()
        writer.write(b".\r\n")
        await writer.drain()
        code, text = await reply(reader)
        try:
            await command(reader, writer, "QUIT")
        except Exception:
            pass
        return code, text
    finally:
        writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("host"); p.add_argument("port", type=int)
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--messages", type=int, default=100)
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--accepted", default=None)
    p.add_argument("--rcpt-domains", default="dest.example")
    p.add_argument("--retry-for", type=float, default=0, help="a message that got 4xx or a connection error is tried again for this long")
    p.add_argument("--timeout", type=float, default=600, help="each attempt's limit")
    args = p.parse_args()
    filler = body_for(args.size)
    domains = args.rcpt_domains.split(",")
    counts = collections.Counter()
    accepted = []
    samples = {}
    queue = asyncio.Queue()
    for i in range(args.messages):
        queue.put_nowait(i)
    started = time.monotonic()

    async def worker():
        while True:
            try:
                i = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            message_id = f"{uuid.uuid4().hex}@load.example"
            rcpt = f"r{i}@{domains[i % len(domains)]}"
            deadline = time.monotonic() + args.retry_for
            while True:
                try:
                    code, text = await asyncio.wait_for(send_one(args, filler, message_id, rcpt), args.timeout)
                except Exception as e:
                    code, text = 0, f"{type(e).__name__}: {e}"
                kind = "250" if code == 250 else "4xx" if 400 <= code < 500 else "5xx" if code >= 500 else "error" if code == 0 else str(code)
                counts[kind] += 1
                samples.setdefault(kind, text)
                if code == 250:
                    accepted.append(message_id)
                    break
                if code >= 500 or time.monotonic() >= deadline:
                    counts["given up"] += 1
                    break
                await asyncio.sleep(0.5)

    await asyncio.gather(*(worker() for _ in range(args.sessions)))
    elapsed = time.monotonic() - started
    if args.accepted:
        with open(args.accepted, "w") as f:
            f.write("\n".join(accepted) + ("\n" if accepted else ""))
    print(f"load: {args.messages} messages of {len(filler)} octets over {args.sessions} sessions in {elapsed:.1f} s; "
          f"replies: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    for kind, text in sorted(samples.items()):
        if kind != "250":
            print(f"  first {kind}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
