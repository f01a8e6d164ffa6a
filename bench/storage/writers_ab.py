"""Two paramd builds side by side: durable writes per second of 16 concurrent writers and of one,
each writer a lean_client connection PATCHing one element of the same 16.8M-parameter model's
bias in a loop, answered with the whole parameter and with `Prefer: return=minimal`. The builds
take turns (which goes first alternates by round), so drift hits both alike; a throughput is a
mean over its window, so read the spread between rounds too.

Usage: python3 bench/storage/writers_ab.py BINARY_A BINARY_B [ROUNDS=3]
"""
import sys

from storage_bench import servers_with_a_model, writer_rate

MINIMAL = ("Prefer: return=minimal",)
PATH = "/v1/models/m/parameters/bias"


def main():
    binaries, rounds = sys.argv[1:3], int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with servers_with_a_model(binaries, "paramd-writers-ab-") as (servers, _):
        print("durable writes/s: whole answer 16 writers, 1 writer; minimal answer 16 writers, 1 writer")
        pairs = list(zip(binaries, servers))
        for index in range(rounds):
            for binary, server in pairs if index % 2 == 0 else reversed(pairs):
                figures = (writer_rate(server.port, PATH, 16, 3), writer_rate(server.port, PATH, 1, 2),
                           writer_rate(server.port, PATH, 16, 3, MINIMAL), writer_rate(server.port, PATH, 1, 2, MINIMAL))
                print(f"round {index} {binary}: " + " ".join(f"{figure:6.0f}" for figure in figures), flush=True)


if __name__ == "__main__":
    main()
