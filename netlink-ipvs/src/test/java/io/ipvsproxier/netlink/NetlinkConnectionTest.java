package io.ipvsproxier.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NetlinkConnectionTest {
    private static final int TYPE = 0x30;

    /** A request carrying its index, so the fake kernel can tell requests apart. */
    record Op(int n) implements NetlinkRequest {
        @Override
        public int type() {
            return TYPE;
        }

        @Override
        public void writeBody(NetlinkMessageWriter w) {
            w.genlHeader(1, 1).u32(1, n);
        }

        @Override
        public boolean alreadyDone(int errno) {
            return errno == Errno.EEXIST;
        }

        @Override
        public String describe() {
            return "op " + n;
        }
    }

    private static int indexOf(NetlinkMessage request) {
        return request.attributes(4).u32(1);
    }

    private static List<Op> ops(int count) {
        return IntStream.range(0, count).mapToObj(Op::new).toList();
    }

    /** A kernel that runs every message, answers errors for the listed indexes and ACKs what asks for it. */
    private static FakeNetlinkSocket.Kernel failing(Set<Integer> eexist, Set<Integer> einval) {
        return (m, s) -> {
            int i = indexOf(m);
            if (eexist.contains(i)) {
                s.reply(FakeNetlinkSocket.error(m, Errno.EEXIST, null));
            } else if (einval.contains(i)) {
                s.reply(FakeNetlinkSocket.error(m, Errno.EINVAL, "Attribute failed policy validation"));
            } else if (m.hasFlag(Netlink.NLM_F_ACK)) {
                s.reply(FakeNetlinkSocket.ack(m));
            }
        };
    }

    @Test
    void batchMapsEachErrorReplyToTheOperationWithThatSequenceNumber() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket(failing(Set.of(3), Set.of(7)));
        BatchResult r = new NetlinkConnection(socket).batch(ops(10), false);

        assertThat(r.size()).isEqualTo(10);
        assertThat(r.outcome(3).status()).isEqualTo(BatchResult.Status.FAILED);
        assertThat(r.outcome(3).errno()).isEqualTo(Errno.EEXIST);
        assertThat(r.outcome(7).status()).isEqualTo(BatchResult.Status.FAILED);
        assertThat(r.outcome(7).errno()).isEqualTo(Errno.EINVAL);
        assertThat(r.outcome(7).kernelMessage()).isEqualTo("Attribute failed policy validation");
        assertThat(r.failures()).extracting(BatchResult.Outcome::index).containsExactly(3, 7);
        assertThat(r.count(BatchResult.Status.OK)).isEqualTo(8);
        assertThat(r.describeFailures()).isEqualTo(
            "op 3: EEXIST (File exists)\nop 7: EINVAL (Invalid argument): Attribute failed policy validation");
        assertThat(r.sends()).isEqualTo(1);
        // One send, and only its last message asks for an ACK.
        List<NetlinkMessage> sent = socket.sentMessages(0);
        assertThat(sent).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(sent.get(i).hasFlag(Netlink.NLM_F_ACK)).as("ACK flag of message %d", i).isEqualTo(i == 9);
            assertThat(sent.get(i).hasFlag(Netlink.NLM_F_REQUEST)).isTrue();
        }
    }

    @Test
    void idempotentBatchCountsAlreadyDoneErrnosAsDone() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket(failing(Set.of(1, 4), Set.of(2)));
        BatchResult r = new NetlinkConnection(socket).batch(ops(5), true);

        assertThat(r.outcomes()).extracting(BatchResult.Outcome::status).containsExactly(
            BatchResult.Status.OK, BatchResult.Status.ALREADY_DONE, BatchResult.Status.FAILED,
            BatchResult.Status.OK, BatchResult.Status.ALREADY_DONE);
        assertThat(r.allSucceeded()).isFalse();
        assertThat(r.failures()).extracting(BatchResult.Outcome::index).containsExactly(2);
    }

    @Test
    void aFailingLastOperationEndsTheWindowWithoutAnAck() {
        // The last message's error is its terminator: no ACK follows an error.
        FakeNetlinkSocket socket = new FakeNetlinkSocket(failing(Set.of(5), Set.of()));
        BatchResult r = new NetlinkConnection(socket).batch(ops(6), false);

        assertThat(r.outcome(5).status()).isEqualTo(BatchResult.Status.FAILED);
        assertThat(r.count(BatchResult.Status.OK)).isEqualTo(5);
    }

    @Test
    void enobufsMakesEveryUnansweredOperationUnknown() {
        FakeNetlinkSocket.Kernel kernel = (m, s) -> {
            if (indexOf(m) == 2) {
                s.reply(FakeNetlinkSocket.error(m, Errno.ESRCH, null));
            }
            if (m.hasFlag(Netlink.NLM_F_ACK)) {
                s.failReceive(Errno.ENOBUFS); // the final ACK was dropped
            }
        };
        BatchResult r = new NetlinkConnection(new FakeNetlinkSocket(kernel)).batch(ops(6), false);

        assertThat(r.outcome(2).status()).isEqualTo(BatchResult.Status.FAILED);
        assertThat(r.outcome(2).errno()).isEqualTo(Errno.ESRCH);
        for (int i : new int[] {0, 1, 3, 4, 5}) {
            assertThat(r.outcome(i).status()).as("outcome %d", i).isEqualTo(BatchResult.Status.UNKNOWN);
        }
        assertThat(r.stateUnknown()).isTrue();
    }

    @Test
    void enobufsInOneWindowLeavesEarlierWindowsKnownAndSendsNoMore() {
        AtomicInteger acks = new AtomicInteger();
        FakeNetlinkSocket.Kernel kernel = (m, s) -> {
            if (m.hasFlag(Netlink.NLM_F_ACK)) {
                if (acks.incrementAndGet() == 2) {
                    s.failReceive(Errno.ENOBUFS);
                } else {
                    s.reply(FakeNetlinkSocket.ack(m));
                }
            }
        };
        FakeNetlinkSocket socket = new FakeNetlinkSocket(kernel);
        // 28-byte messages, 280-byte sends: 10 per window.
        BatchResult r = new NetlinkConnection(socket, 280).batch(ops(35), false);

        assertThat(socket.sends()).hasSize(2);
        assertThat(r.count(BatchResult.Status.OK)).isEqualTo(10);
        assertThat(r.count(BatchResult.Status.UNKNOWN)).isEqualTo(25);
        assertThat(r.outcome(9).status()).isEqualTo(BatchResult.Status.OK);
        assertThat(r.outcome(10).status()).isEqualTo(BatchResult.Status.UNKNOWN);
    }

    @Test
    void largeBatchIsSplitIntoSendsThatEachEndWithTheOnlyAckedMessage() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket(failing(Set.of(1234, 4999), Set.of()));
        BatchResult r = new NetlinkConnection(socket, 4096).batch(ops(5000), false);

        // Each message is 28 bytes: 146 fit in 4096 bytes, so 35 sends.
        assertThat(socket.sends()).hasSize(35);
        assertThat(r.sends()).isEqualTo(35);
        int total = 0;
        int expectedSeq = Integer.MIN_VALUE;
        for (int i = 0; i < socket.sends().size(); i++) {
            assertThat(socket.sends().get(i).length).isLessThanOrEqualTo(4096);
            List<NetlinkMessage> sent = socket.sentMessages(i);
            for (int j = 0; j < sent.size(); j++) {
                NetlinkMessage m = sent.get(j);
                assertThat(m.hasFlag(Netlink.NLM_F_ACK)).as("send %d message %d", i, j).isEqualTo(j == sent.size() - 1);
                assertThat(indexOf(m)).isEqualTo(total + j);
                if (expectedSeq != Integer.MIN_VALUE) {
                    assertThat(m.seq()).isEqualTo(expectedSeq);
                }
                expectedSeq = m.seq() + 1;
            }
            total += sent.size();
        }
        assertThat(total).isEqualTo(5000);
        assertThat(r.failures()).extracting(BatchResult.Outcome::index).containsExactly(1234, 4999);
        assertThat(r.count(BatchResult.Status.OK)).isEqualTo(4998);
    }

    @Test
    void batchBoundsTheRepliesOneSendCanProduce() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket(failing(Set.of(), Set.of()));
        BatchResult r = new NetlinkConnection(socket).batch(ops(5000), false);

        // 5000 x 28 bytes fit in one 200 KiB send, but at most 4096 operations go per send.
        assertThat(socket.sends()).hasSize(2);
        assertThat(socket.sentMessages(0)).hasSize(4096);
        assertThat(r.allSucceeded()).isTrue();
    }

    @Test
    void callKeepsDataRepliesThatArrivedInEarlierDatagramsThanTheAck() {
        for (boolean multi : new boolean[] {false, true}) {
            FakeNetlinkSocket socket = new FakeNetlinkSocket((m, s) -> {
                s.reply(FakeNetlinkSocket.datagram(w -> FakeNetlinkSocket.genlMessage(w, TYPE, 0, m.seq(), 1,
                    a -> a.string(2, "first reply"))));
                s.reply(FakeNetlinkSocket.datagram(w -> FakeNetlinkSocket.genlMessage(w, TYPE, 0, m.seq(), 1,
                    a -> a.string(2, "second"))));
                s.reply(FakeNetlinkSocket.ack(m));
            }).multiReceive(multi);
            List<NetlinkMessage> replies = new NetlinkConnection(socket).call(new Op(1));

            assertThat(replies).extracting(r -> r.attributes(4).string(2)).containsExactly("first reply", "second");
            assertThat(socket.counter().receives()).isEqualTo(multi ? 1 : 3);
        }
    }

    @Test
    void callIgnoresRepliesWithAnotherSequenceNumber() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket((m, s) -> {
            s.reply(FakeNetlinkSocket.datagram(w -> FakeNetlinkSocket.genlMessage(w, TYPE, 0, m.seq() - 1, 1,
                a -> a.string(2, "stale"))));
            s.reply(FakeNetlinkSocket.ack(m));
        });
        assertThat(new NetlinkConnection(socket).call(new Op(1))).isEmpty();
    }

    @Test
    void callThrowsTheKernelsErrnoAndExtendedAckMessage() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket((m, s) ->
            s.reply(FakeNetlinkSocket.error(m, Errno.EINVAL, "Attribute failed policy validation")));
        assertThatThrownBy(() -> new NetlinkConnection(socket).call(new Op(7)))
            .isInstanceOfSatisfying(NetlinkException.class, e -> {
                assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                assertThat(e.kernelMessage()).isEqualTo("Attribute failed policy validation");
            })
            .hasMessage("op 7: EINVAL (Invalid argument): Attribute failed policy validation");
    }

    @Test
    void callReportsAReceiveTimeout() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket((m, s) -> { });
        assertThatThrownBy(() -> new NetlinkConnection(socket).call(new Op(7)))
            .isInstanceOf(NetlinkException.class)
            .hasMessage("op 7: no reply from the kernel before the receive timeout");
    }

    @Test
    void dumpCollectsPartsFromSeveralDatagramsUntilDone() {
        for (boolean multi : new boolean[] {false, true}) {
            FakeNetlinkSocket socket = new FakeNetlinkSocket((m, s) -> {
                assertThat(m.flags() & Netlink.NLM_F_DUMP).isEqualTo(Netlink.NLM_F_DUMP);
                for (int d = 0; d < 3; d++) {
                    int first = d * 2;
                    s.reply(FakeNetlinkSocket.datagram(w -> {
                        for (int k = first; k < first + 2; k++) {
                            int v = k;
                            FakeNetlinkSocket.genlMessage(w, TYPE, Netlink.NLM_F_MULTI, m.seq(), 1, a -> a.u32(1, v));
                        }
                    }));
                }
                s.reply(FakeNetlinkSocket.done(m));
            }).multiReceive(multi);
            List<Integer> seen = new ArrayList<>();
            new NetlinkConnection(socket).dump(new Op(0), part -> seen.add(part.attributes(4).u32(1)));

            assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5);
        }
    }

    @Test
    void interruptedDumpIsRestartedAndOnlyTheConsistentSnapshotIsDelivered() {
        AtomicInteger attempts = new AtomicInteger();
        FakeNetlinkSocket socket = new FakeNetlinkSocket((m, s) -> {
            int attempt = attempts.incrementAndGet();
            int flags = Netlink.NLM_F_MULTI | (attempt == 1 ? Netlink.NLM_F_DUMP_INTR : 0);
            s.reply(FakeNetlinkSocket.datagram(w ->
                FakeNetlinkSocket.genlMessage(w, TYPE, flags, m.seq(), 1, a -> a.u32(1, attempt))));
            s.reply(FakeNetlinkSocket.done(m));
        });
        List<Integer> seen = new ArrayList<>();
        new NetlinkConnection(socket).dump(new Op(0), part -> seen.add(part.attributes(4).u32(1)));

        assertThat(attempts).hasValue(2);
        assertThat(seen).containsExactly(2);
    }

    @Test
    void dumpThatCannotStartThrowsTheErrno() {
        FakeNetlinkSocket socket = new FakeNetlinkSocket((m, s) -> s.reply(FakeNetlinkSocket.error(m, Errno.EBUSY, null)));
        assertThatThrownBy(() -> new NetlinkConnection(socket).dump(new Op(0), part -> { }))
            .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
    }
}
