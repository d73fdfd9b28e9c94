package io.raftkv.server.node;

import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.ProposalPlacement;
import io.raftkv.server.transport.ProposalLinks;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Predicate;

/**
 * The peer streams between in-process {@link Proposer}s, for tests: each member's forwarded
 * proposals and placements reach the addressed member's proposer on another thread, as they
 * would arrive from the network, unless a test drops them.
 */
final class ForwardingLinks {
    /** For a member that never forwards (it leads throughout the test). */
    static final ProposalLinks NONE = new ProposalLinks() {
        @Override
        public Queued forward(long leader, ForwardedProposal proposal) {
            throw new AssertionError("this test member was not meant to forward");
        }

        @Override
        public void place(long follower, ProposalPlacement placement) {
            throw new AssertionError("this test member was not meant to be forwarded to");
        }
    };

    private final Map<Long, Proposer> proposers = new ConcurrentHashMap<>();
    private final Executor network = ForkJoinPool.commonPool();
    private volatile Predicate<ForwardedProposal> dropProposal = p -> false;

    void register(long member, Proposer proposer) {
        proposers.put(member, proposer);
    }

    /** From now on, forwarded proposals matching {@code filter} are lost on the way. */
    void dropProposals(Predicate<ForwardedProposal> filter) {
        this.dropProposal = filter;
    }

    /** The links as {@code self} sends on them. */
    ProposalLinks of(long self) {
        return new ProposalLinks() {
            @Override
            public Queued forward(long leader, ForwardedProposal proposal) {
                Proposer to = proposers.get(leader);
                if (to == null) {
                    return Queued.NO_ADDRESS;
                }
                if (!dropProposal.test(proposal)) {
                    network.execute(() -> to.forwarded(self, proposal));
                }
                return Queued.YES;
            }

            @Override
            public void place(long follower, ProposalPlacement placement) {
                Proposer to = proposers.get(follower);
                if (to != null) {
                    network.execute(() -> to.placed(self, placement));
                }
            }
        };
    }
}
