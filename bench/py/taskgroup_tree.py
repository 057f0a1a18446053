"""asyncio anchor for GatherBench.taskGroupTree: every node of a 10-deep binary tree opens a
TaskGroup with two child tasks. Prints one pymicro-style line: name, ns per task.
usage: /usr/bin/python3 taskgroup_tree.py [uvloop]"""
import asyncio, sys, time

DEPTH = 10
TASKS = (1 << (DEPTH + 1)) - 2

async def fan_out(depth):
    if depth == 0:
        return 1
    async with asyncio.TaskGroup() as tg:
        left = tg.create_task(fan_out(depth - 1))
        right = tg.create_task(fan_out(depth - 1))
    return left.result() + right.result()

async def main():
    for _ in range(3):          # warm-up rounds, as JMH does
        await fan_out(DEPTH)
    rounds = 20
    t0 = time.perf_counter()
    for _ in range(rounds):
        await fan_out(DEPTH)
    print(f"{'task group tree (per task)':28s} {(time.perf_counter() - t0) / (rounds * TASKS) * 1e9:10.0f} ns/op")

if "uvloop" in sys.argv[1:]:
    import uvloop; uvloop.install()
asyncio.run(main())
