# Started by bench/big-hits/run.sh; not a test: N clients read one cached answer slowly.
import socket, threading, time, sys
N = int(sys.argv[1]); body = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"big"}]}'
req = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-test\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
results = []
def one():
    s = socket.create_connection(("127.0.0.1", 18190)); s.sendall(req); got = 0; head = b""
    while True:
        d = s.recv(65536)
        if not d: break
        got += len(d)
        if len(head) < 200: head += d[:200]
        time.sleep(0.05)
    results.append((got, head.split(b"\r\n")[0], b"X-Cache: HIT" in head))
ts = [threading.Thread(target=one) for _ in range(N)]
t0 = time.time(); [t.start() for t in ts]; [t.join() for t in ts]
print("readers", N, "seconds", round(time.time()-t0,1), "statuses", set(r[1] for r in results), "hits", sum(r[2] for r in results), "bytes min/max", min(r[0] for r in results), max(r[0] for r in results))
