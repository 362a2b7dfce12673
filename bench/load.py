"""Load test: many simulated learners play role-plays against the real `coach bot` through the emulator.

    COACH_EMULATOR_DIR=$PWD/.ci/emulator python bench/load.py                # 200 learners × 10 turns
    python bench/load.py --learners 50 --turns 5 --think 0.5:1.5 --max-rate 0

Each learner opens a scenario, then sends `--turns` replies, each after a think time drawn from
`--think` (seconds, uniform); when a role-play ends it presses "Play again". A turn's latency is
the time from posting the learner's message to the emulator until the bot's answer reaches the
bridge. Reported: turns/s, latency p50/p90/p99/max, the bot's peak RSS and CPU time, and lost or
duplicated messages (every learner message must get exactly the answers it is due).

Everything runs on localhost (the emulator, the bridge from tests/bot/emulator.py, the bot), and
every loop is bounded: by turn count, by a per-answer timeout and by `--max-seconds` overall.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "bot"))

from emulator import BotMessage, BotProcess, Bridge, Emulator, Learner  # noqa: E402

TOKEN = "777001:BenchTokenForTheLocalEmulatorOnly_abcdef"
ANSWER_TIMEOUT = 30.0

# Replies a learner might write: good ones, risky ones, and mixed; some move the customer on,
# some keep them where they are. They are cycled with a per-learner offset.
REPLIES = (
    "I'm so sorry about this, I understand how frustrating it must be.",
    "I'll take care of this myself and call you back today by 4 pm with an update.",
    "Please calm down, that's our policy and there is nothing I can do.",
    "I can offer you a replacement within two working days, or a technician tomorrow between 8 and 10 am.",
    "I'm sorry, I'll check with the courier and call you back within the hour.",
    "I promise it will be fixed soon, it's not our fault.",
    "Thank you for your patience. Could you tell me your order number so I can check it?",
    "I understand. I'll make sure a loan machine is with you today by 4 pm, and I'll call you at 5 pm.",
)


@dataclass
class Result:
    learners: int
    turns_planned: int
    turns_done: int = 0
    lost: int = 0
    duplicated: int = 0
    timeouts: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (sent at, latency ms)
    to_bot_ms: list[float] = field(default_factory=list)  # learner's post → the update handed to the bot
    in_bot_ms: list[float] = field(default_factory=list)  # update handed to the bot → the bot sends its answer
    started: float = 0.0
    finished: float = 0.0


def ended(message: BotMessage) -> bool:
    """The card that closes a role-play: the last reply's feedback and the final card, with Play again."""
    return "🔁 Play again" in message.buttons()


async def learner_run(index: int, bridge: Bridge, args: argparse.Namespace, result: Result, gate: asyncio.Event,
                      deadline: float) -> None:
    rng = random.Random(index)
    person = Learner(bridge, 100_000 + index, f"Learner{index}")
    low, high = args.think
    try:
        await asyncio.sleep(rng.uniform(0, args.ramp))
        [listing] = await person.say("/scenarios", timeout=ANSWER_TIMEOUT)
        choice = next(iter(listing.buttons()))
        await person.press(listing, choice, timeout=ANSWER_TIMEOUT)
        await gate.wait()
        for turn in range(args.turns):
            if time.monotonic() > deadline:
                result.timeouts.append(f"learner {index}: --max-seconds reached")
                return
            await asyncio.sleep(rng.uniform(low, high))
            reply = REPLIES[(index + turn) % len(REPLIES)]
            sent = time.perf_counter()
            [card] = await person.say(reply, timeout=ANSWER_TIMEOUT)
            result.latencies_ms.append((card.at - sent) * 1000)
            result.timeline.append((sent, (card.at - sent) * 1000))
            delivered = bridge.delivered.get(person.user_id, sent)
            result.to_bot_ms.append((delivered - sent) * 1000)
            result.in_bot_ms.append(((card.requested_at or card.at) - delivered) * 1000)
            result.turns_done += 1
            if ended(card) and turn + 1 < args.turns:
                await person.press(card, "🔁 Play again", timeout=ANSWER_TIMEOUT)
    except TimeoutError:
        result.lost += 1
        result.timeouts.append(f"learner {index}: an answer did not come within {ANSWER_TIMEOUT:.0f} s")
    except KeyError as exc:
        result.timeouts.append(f"learner {index}: {exc}")


def cpu_times() -> tuple[int, int]:
    """(all, steal) jiffies of the whole machine, from /proc/stat (Linux)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[7] if len(fields) > 7 else 0
    except (OSError, ValueError):
        return 0, 0


def spin_ms() -> float:
    """A fixed pure-Python loop, to compare machines (about 250 ms on a current laptop core)."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return round((time.perf_counter() - started) * 1000, 1)


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


async def bench(args: argparse.Namespace) -> dict:
    calibration = spin_ms()
    emulator_dir = Path(args.emulator_dir or os.environ.get("COACH_EMULATOR_DIR") or ROOT / ".ci" / "emulator")
    workdir = Path(tempfile.mkdtemp(prefix="coach-load-"))
    emulator = Emulator(emulator_dir)
    emulator.start()
    bridge = Bridge(emulator.url, TOKEN)
    await bridge.start()
    env = {}
    if args.content == "test":
        env = {"COACH_PHRASEBOOKS": str(ROOT / "tests" / "bot" / "data" / "phrasebooks"),
               "COACH_SCENARIOS": str(ROOT / "tests" / "bot" / "data" / "scenarios")}
    bot = BotProcess(bridge, workdir, TOKEN, env, ["--max-rate", str(args.max_rate), "--log-level", "WARNING",
                                                   "--transport", args.transport])
    result = Result(args.learners, args.learners * args.turns)
    try:
        t0 = time.perf_counter()
        bot.start()
        await bot.ready(timeout=180)
        startup = time.perf_counter() - t0
        gate = asyncio.Event()
        deadline = time.monotonic() + args.max_seconds
        tasks = [asyncio.create_task(learner_run(i, bridge, args, result, gate, deadline))
                 for i in range(args.learners)]
        await asyncio.sleep(args.ramp + 1.0)
        # everyone has opened a scenario (or timed out); now the measured part
        for _ in range(int(ANSWER_TIMEOUT * 10)):
            if sum(1 for q in bridge.outbox.values() if q.qsize()) == 0:
                break
            await asyncio.sleep(0.1)
        cpu_before = cpu_seconds(bot.process.pid)
        machine_before = cpu_times()
        harness_before = time.process_time()
        emulator_before = cpu_seconds(emulator.process.pid)
        result.started = time.perf_counter()
        gate.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=args.max_seconds + ANSWER_TIMEOUT * 2)
        result.finished = time.perf_counter()
        cpu_used = cpu_seconds(bot.process.pid) - cpu_before
        machine_after = cpu_times()
        harness_cpu = time.process_time() - harness_before
        emulator_cpu = cpu_seconds(emulator.process.pid) - emulator_before
        await asyncio.sleep(2.0)  # anything arriving now is a duplicate
        result.duplicated = sum(q.qsize() for q in bridge.outbox.values())
        rss_kib = bot.peak_rss_kib()
    finally:
        code = await bot.stop()
        await bridge.stop()
        emulator.stop()
    latencies = sorted(result.latencies_ms)
    elapsed = result.finished - result.started

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1) if latencies else 0.0

    report = {
        "learners": args.learners, "turns_per_learner": args.turns, "think_s": list(args.think),
        "max_rate": args.max_rate, "content": args.content, "transport": args.transport,
        "turns_planned": result.turns_planned, "turns_done": result.turns_done,
        "elapsed_s": round(elapsed, 1), "turns_per_s": round(result.turns_done / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": round(latencies[-1], 1) if latencies
                       else 0.0, "mean": round(statistics.fmean(latencies), 1) if latencies else 0.0},
        "latency_split_ms": {"to_bot_p50": _pct(result.to_bot_ms, 50), "to_bot_p99": _pct(result.to_bot_ms, 99),
                             "in_bot_p50": _pct(result.in_bot_ms, 50), "in_bot_p99": _pct(result.in_bot_ms, 99)},
        "p99_by_fifth_of_run_ms": _by_fifth(result.timeline),
        "emulator_answer_ms": {"p50": _pct(bridge.forward_ms, 50), "p99": _pct(bridge.forward_ms, 99)},
        "bot_peak_rss_mib": round(rss_kib / 1024, 1), "bot_cpu_s": round(cpu_used, 1),
        "bot_cpu_ms_per_turn": round(1000 * cpu_used / result.turns_done, 2) if result.turns_done else 0.0,
        "harness_cpu_s": round(harness_cpu, 1), "emulator_cpu_s": round(emulator_cpu, 1),
        "bot_startup_s": round(startup, 1), "lost": result.lost, "duplicated": result.duplicated,
        "bot_api_calls": dict(sorted(bridge.counters.methods.items())),
        "bridge_errors": bridge.counters.errors[:10], "problems": result.timeouts[:10], "bot_exit_code": code,
        "machine": {"cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2), "spin_ms": calibration,
                    "steal_percent": round(100 * (machine_after[1] - machine_before[1])
                                           / max(1, machine_after[0] - machine_before[0]), 1)},
    }
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        report["workdir"] = str(workdir)
    return report


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1) if ordered else 0.0


def _by_fifth(timeline: list[tuple[float, float]]) -> list[float]:
    """p99 latency in each fifth of the measured run (does it settle, or grow?)."""
    if not timeline:
        return []
    start, end = min(t for t, _ in timeline), max(t for t, _ in timeline)
    span = (end - start) / 5 or 1.0
    buckets: list[list[float]] = [[] for _ in range(5)]
    for sent, latency in timeline:
        buckets[min(4, int((sent - start) / span))].append(latency)
    return [_pct(b, 99) for b in buckets]


def parse_think(value: str) -> tuple[float, float]:
    low, _, high = value.partition(":")
    pair = (float(low), float(high or low))
    if pair[0] < 0 or pair[1] < pair[0]:
        raise argparse.ArgumentTypeError("--think is LOW:HIGH seconds, 0 ≤ LOW ≤ HIGH")
    return pair


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--think", type=parse_think, default=(5.0, 15.0), metavar="LOW:HIGH",
                        help="seconds a learner takes to read a card and write the next reply (default: 5:15, "
                        "a brisk human)")
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which learners arrive (default 20)")
    parser.add_argument("--max-rate", type=float, default=30.0,
                        help="the bot's overall send limit, messages/s (default 30 as on Telegram; 0 = none)")
    parser.add_argument("--transport", choices=("stream", "httpx"), default="stream",
                        help="the bot's HTTP client (default: its own lean one)")
    parser.add_argument("--content", choices=("shipped", "test"), default="shipped",
                        help="the shipped phrasebooks and scenarios, or the small test set")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="stop the measured phase after this")
    parser.add_argument("--emulator-dir", help="where telegram-test-api is installed (default: $COACH_EMULATOR_DIR)")
    parser.add_argument("--out", type=Path, help="also write the JSON report here")
    parser.add_argument("--keep", action="store_true", help="keep the bot's working folder (database, log)")
    args = parser.parse_args(argv)
    if args.learners < 1 or args.turns < 1:
        parser.error("--learners and --turns must be at least 1")
    report = asyncio.run(bench(args))
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    ok = report["lost"] == 0 and report["duplicated"] == 0 and report["turns_done"] == report["turns_planned"]
    print(f"\n{report['turns_done']}/{report['turns_planned']} turns, {report['turns_per_s']} turns/s, "
          f"p50 {report['latency_ms']['p50']} ms, p99 {report['latency_ms']['p99']} ms, "
          f"peak RSS {report['bot_peak_rss_mib']} MiB, lost {report['lost']}, duplicated {report['duplicated']}",
          file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
