"""CPython asyncio (or uvloop) anchor for bench/run million: N tasks each sleeping 1.0 s, gathered.
Prints: million_tasks n=N wall_s=... rss_mib=... (RSS growth while every task sleeps).
usage: /usr/bin/python3 million.py [N] [uvloop]"""
import asyncio, resource, sys, time

def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1048576

async def main(n):
    before = rss_mib()
    t0 = time.perf_counter()
    held = [0.0]
    async def sleeper():
        await asyncio.sleep(1.0)
    async def measure():
        await asyncio.sleep(0.5)
        held[0] = rss_mib() - before
    tasks = [asyncio.ensure_future(sleeper()) for _ in range(n)]
    await asyncio.gather(measure(), *tasks)
    print(f"million_tasks n={n} wall_s={time.perf_counter() - t0:.2f} rss_mib={held[0]:.0f}")

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
if "uvloop" in sys.argv[2:]:
    import uvloop; uvloop.install()
asyncio.run(main(n))
