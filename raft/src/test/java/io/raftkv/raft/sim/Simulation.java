package io.raftkv.raft.sim;

import io.raftkv.raft.core.Bootstrap;
import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.Proposal;
import io.raftkv.raft.core.ProposalRejectedException;
import io.raftkv.raft.core.RaftConfig;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.ReadState;
import io.raftkv.raft.core.SoftState;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One seeded run: a cluster, its network, a client workload and a nemesis, all on one simulated
 * clock. It runs {@link SimulationSettings#steps()} events under faults, checking safety after
 * each, then heals every fault and checks liveness: a leader emerges and every proposal ends
 * committed or explicitly failed.
 */
final class Simulation {

    /**
     * A client's accepted proposal, with the content it expects at (index, term). Index and term
     * are 0 until the core has placed it.
     */
    record PendingProposal(long fingerprint, long node, long index, long term, boolean probe) {
        PendingProposal at(Proposal p) {
            return new PendingProposal(fingerprint, node, p.index(), p.term(), probe);
        }
    }

    private record ReadAttempt(long node, int incarnation, long mustCover, boolean afterHeal) {}

    private final SimulationSettings settings;
    private final Random rnd;
    private final FaultProfile profile;
    private final EventQueue queue = new EventQueue();
    private final Trace trace;
    private final SafetyChecker checker = new SafetyChecker();
    private final SimulatedNetwork network;
    private final TreeMap<Long, SimulatedNode> nodes = new TreeMap<>();
    private final SimulatedNetwork.Endpoint nowhere = new SimulatedNetwork.Endpoint() {
        @Override
        public void deliver(Message message) {}

        @Override
        public void snapshotOutcome(long peer, boolean delivered) {}

        @Override
        public void unreachable(long peer) {}

        @Override
        public void connectionReset(long peer) {}
    };

    /** Unresolved accepted proposals by index: settled by the first entry any node applies there. */
    private final TreeMap<Long, List<PendingProposal>> unresolved = new TreeMap<>();
    private final Map<Long, ReadAttempt> reads = new HashMap<>();
    private final SimulationStats stats = new SimulationStats();
    private long nextCommandId = 1;
    private long nextNodeId;
    /** The highest index of a write whose proposer has told its client "committed". */
    private long maxAcknowledgedIndex;
    private boolean healed;
    private boolean probeAcknowledged;
    private boolean readServedAfterHeal;
    private long step;
    /** The highest commit index whose safety against future elections has been checked. */
    private long commitSafetyChecked;

    Simulation(SimulationSettings settings) {
        this(settings, FaultProfile.draw(new Random(scramble(settings.seed() ^ 0x5eed5eedL))));
    }

    Simulation(SimulationSettings settings, FaultProfile profile) {
        this.settings = settings;
        this.rnd = new Random(scramble(settings.seed()));
        this.profile = profile;
        this.trace = new Trace(Boolean.getBoolean("sim.trace"), queue::now);
        this.network = new SimulatedNetwork(queue, rnd, id -> {
            SimulatedNode n = nodes.get(id);
            return n == null ? nowhere : n;
        }, id -> {
            SimulatedNode n = nodes.get(id);
            return n == null ? -1 : n.incarnation();
        }, profile, trace);
    }

    /** Neighbouring seeds must give unrelated runs; java.util.Random's first draws would not. */
    private static long scramble(long seed) {
        long z = seed + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // ---- accessors for the nodes ----

    SimulationSettings settings() {
        return settings;
    }

    FaultProfile profile() {
        return profile;
    }

    Random random() {
        return rnd;
    }

    EventQueue queue() {
        return queue;
    }

    Trace trace() {
        return trace;
    }

    SafetyChecker checker() {
        return checker;
    }

    SimulatedNetwork network() {
        return network;
    }

    RaftConfig coreConfig(long id) {
        return RaftConfig.builder(id, new Random(rnd.nextLong())).electionTicks(profile.electionTicks())
                .heartbeatTicks(profile.heartbeatTicks()).preVote(profile.preVote()).checkQuorum(profile.checkQuorum())
                .maxMessageBytes(profile.maxMessageBytes()).maxInflightMessages(profile.maxInflightMessages())
                .maxInflightBytes(0).maxUncommittedBytes(profile.maxUncommittedBytes()).build()
                .withInjectedBugs(settings.bugs());
    }

    // ---- the run ----

    SimulationOutcome run() {
        try {
            boot();
            while (step < settings.steps()) {
                runOneStep();
            }
            healAndCheckLiveness();
            return SimulationOutcome.passed(settings, profile, stats, queue.now());
        } catch (InvariantViolation v) {
            return SimulationOutcome.violated(settings, profile, stats, v, step, queue.now(), queue.lastLabel());
        }
    }

    private void runOneStep() {
        queue.runNext();
        step++;
        for (SimulatedNode n : nodes.values()) {
            if (n.isUp()) {
                RaftNode.Status s = n.status();
                checker.observeStatus(s);
                if (s.role() == SoftState.Role.LEADER) {
                    // A leader never truncates its log, so what it holds up to its in-memory commit
                    // index is final: record the commit the moment the leader decides it.
                    checker.observeCommit(n.id(), s.term(), s.commitIndex(), n.liveLog());
                    if (s.commitIndex() > commitSafetyChecked) {
                        commitSafetyChecked = s.commitIndex();
                        checker.checkCommitIsSafe(n.id(), s.term(), s.commitIndex(), n.liveLog(),
                                voterLogs(s.confState()));
                    }
                }
            }
        }
    }

    private void boot() {
        Set<Long> voters = new TreeSet<>();
        for (long id = 1; id <= profile.voters(); id++) {
            voters.add(id);
        }
        Bootstrap.InitialLog initial = Bootstrap.initialEntries(voters);
        for (long id : voters) {
            nodes.put(id, new SimulatedNode(id, this, initial.entries(), initial.hardState()));
        }
        nextNodeId = profile.voters() + 1;
        trace.log("profile " + profile);
        for (SimulatedNode n : nodes.values()) {
            n.start();
        }
        for (int i = 0; i < profile.learners(); i++) {
            queue.after(0, "add initial learner", this::addLearner);
        }
        scheduleWorkload();
        scheduleNemesis();
    }

    // ---- the client workload ----

    private void scheduleWorkload() {
        every(profile.meanProposalIntervalMs(), "client write", this::clientWrite);
        every(profile.meanReadIntervalMs(), "client read", this::clientRead);
        every(200, "compaction", () -> {
            for (SimulatedNode n : nodes.values()) {
                n.compactIfDue(profile.compactionThreshold());
            }
        });
    }

    /** Clients mostly find the leader, but also hit followers and stale leaders. */
    private SimulatedNode clientTarget() {
        List<SimulatedNode> up = upNodes();
        if (up.isEmpty()) {
            return null;
        }
        if (rnd.nextInt(4) != 0) {
            List<SimulatedNode> leaders = new ArrayList<>();
            for (SimulatedNode n : up) {
                if (n.isLeader()) {
                    leaders.add(n);
                }
            }
            if (!leaders.isEmpty()) {
                return leaders.get(rnd.nextInt(leaders.size()));
            }
        }
        return up.get(rnd.nextInt(up.size()));
    }

    private void clientWrite() {
        SimulatedNode target = clientTarget();
        if (target != null) {
            propose(target, false);
        }
    }

    private void propose(SimulatedNode target, boolean probe) {
        long commandId = nextCommandId++;
        int size = 8 + rnd.nextInt(40);
        byte[] data = ByteBuffer.allocate(size).putLong(commandId).array();
        PendingProposal pending = new PendingProposal(Fingerprint.of(Entry.Type.NORMAL, data), target.id(), 0, 0,
                probe);
        stats.proposals++;
        try {
            Proposal p = target.propose(data, pending);
            track(pending.at(p));
            trace.log("client write " + commandId + " accepted by " + target.id() + " at " + p);
        } catch (ProposalRejectedException e) {
            stats.proposalsRejected++;
            trace.log("client write " + commandId + " refused by " + target.id() + ": " + e.reason());
        } catch (InvariantViolation e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvariantViolation(Invariant.CORE_EXCEPTION, "node " + target.id() + " propose threw " + e, e);
        }
    }

    private void track(PendingProposal p) {
        long appliedTerm = checker.appliedTerm(p.index());
        if (appliedTerm >= 0) {
            settle(p, appliedTerm, checker.appliedFingerprint(p.index()));
            return;
        }
        unresolved.computeIfAbsent(p.index(), k -> new ArrayList<>()).add(p);
    }

    private void clientRead() {
        SimulatedNode target = clientTarget();
        if (target != null) {
            clientRead(target, false);
        }
    }

    private void clientRead(SimulatedNode target, boolean afterHeal) {
        long readId = nextCommandId++;
        byte[] context = ByteBuffer.allocate(8).putLong(readId).array();
        reads.put(readId, new ReadAttempt(target.id(), target.incarnation(), maxAcknowledgedIndex, afterHeal));
        stats.reads++;
        try {
            target.readIndex(context);
        } catch (ProposalRejectedException e) {
            reads.remove(readId);
            stats.readsRejected++;
        } catch (InvariantViolation e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvariantViolation(Invariant.CORE_EXCEPTION, "node " + target.id() + " readIndex threw " + e, e);
        }
    }

    /** A node served a read at {@code rs.index()} once it had applied that far. */
    void onReadServed(SimulatedNode node, ReadState rs) {
        if (rs.context().length != 8) {
            return;
        }
        long readId = ByteBuffer.wrap(rs.context()).getLong();
        ReadAttempt attempt = reads.get(readId);
        if (attempt == null || attempt.node != node.id() || attempt.incarnation != node.incarnation()) {
            return; // answered twice (duplicated messages) or to an earlier incarnation
        }
        reads.remove(readId);
        stats.readsServed++;
        if (rs.index() < attempt.mustCover) {
            throw new InvariantViolation(Invariant.READ_LINEARIZABILITY, "node " + node.id() + " answered read "
                    + readId + " with read index " + rs.index() + " but the write at index " + attempt.mustCover
                    + " was acknowledged before the read began");
        }
        if (attempt.afterHeal) {
            readServedAfterHeal = true;
        }
    }

    /** Any node applied {@code e}: settles the proposals that were waiting for that index. */
    void onApplied(SimulatedNode node, Entry e) {
        List<PendingProposal> waiting = unresolved.remove(e.index());
        if (waiting != null) {
            for (PendingProposal p : waiting) {
                settle(p, e.term(), Fingerprint.of(e));
            }
        }
        if (e.type() == Entry.Type.CONF_CHANGE) {
            ConfChange change = ConfChange.decode(e.data());
            SimulatedNode gone = nodes.get(change.nodeId());
            if (change.type() == ConfChange.Type.REMOVE_NODE && gone != null && firstApplication(e.index())) {
                // A removed server is shut down some time after its removal commits.
                queue.after(rnd.nextInt(4 * (int) profile.electionTimeoutMs()), "decommission " + gone.id(),
                        gone::decommission);
            }
        }
    }

    private final Set<Long> removalsSeen = new HashSet<>();

    private boolean firstApplication(long index) {
        return removalsSeen.add(index);
    }

    private void settle(PendingProposal p, long appliedTerm, long appliedFingerprint) {
        if (appliedTerm == p.term()) {
            if (appliedFingerprint != p.fingerprint()) {
                throw new InvariantViolation(Invariant.PROPOSAL_IDENTITY, "a proposal accepted by node " + p.node()
                        + " at " + p.index() + "@" + p.term() + " is not the entry applied there");
            }
            stats.committed++;
        } else {
            stats.lost++;
        }
    }

    /** The proposer applied the index of its own proposal: its client gets an answer now. */
    void onOwnProposalOutcome(SimulatedNode node, PendingProposal p, Entry e) {
        if (e.term() == p.term()) {
            maxAcknowledgedIndex = Math.max(maxAcknowledgedIndex, e.index());
            stats.acknowledged++;
            if (p.probe()) {
                probeAcknowledged = true;
            }
        }
    }

    // ---- the nemesis ----

    private void scheduleNemesis() {
        every(profile.meanCrashIntervalMs(), "nemesis crash", this::crashSomeone);
        every(profile.meanPartitionIntervalMs(), "nemesis partition", this::partition);
        every(profile.meanMembershipIntervalMs(), "nemesis membership", this::changeMembership);
        every(profile.meanTransferIntervalMs(), "nemesis transfer", this::transferLeadership);
        every(1000, "nemesis network quality", () -> network.setQuality(
                rnd.nextInt(3) == 0 ? 0 : profile.dropRate() * rnd.nextDouble() * 2,
                profile.duplicateRate(), 1 + rnd.nextInt(profile.maxDelayMs()), profile.slowMessageRate()));
    }

    /** Runs {@code action} at random intervals averaging {@code meanMs}, until the faults heal. */
    private void every(int meanMs, String label, Runnable action) {
        queue.after(1 + rnd.nextInt(2 * meanMs), label, () -> {
            if (healed) {
                return;
            }
            action.run();
            every(meanMs, label, action);
        });
    }

    private void crashSomeone() {
        List<SimulatedNode> up = upNodes();
        if (up.isEmpty()) {
            return;
        }
        if (downCount() >= (profile.voters() - 1) / 2 + 1) {
            return; // keep enough alive that the cluster can sometimes make progress
        }
        SimulatedNode victim;
        int how = rnd.nextInt(3);
        List<SimulatedNode> syncing = new ArrayList<>();
        for (SimulatedNode n : up) {
            if (n.awaitingFsync()) {
                syncing.add(n);
            }
        }
        if (how == 0 && !syncing.isEmpty()) {
            victim = syncing.get(rnd.nextInt(syncing.size())); // inside its durability window
        } else if (how == 1 && leader() != null) {
            victim = leader();
        } else {
            victim = up.get(rnd.nextInt(up.size()));
        }
        stats.crashes++;
        crash(victim);
        queue.after(5 + rnd.nextInt(4 * (int) profile.electionTimeoutMs()), "restart " + victim.id(),
                victim::restart);
    }

    /** Kills the node's process: its peers see their connections to it reset. */
    private void crash(SimulatedNode node) {
        node.crash();
        network.processDied(node.id(), nodes.keySet());
    }

    /**
     * Leaders killed right after winning leave their first entries half-replicated: the
     * situations of the paper's figure 8 that a commit rule must survive.
     */
    void onNewLeader(SimulatedNode leader) {
        stats.leadersElected++;
        if (healed || rnd.nextDouble() >= profile.newLeaderCrashRate()) {
            return;
        }
        int inc = leader.incarnation();
        boolean isolate = rnd.nextInt(4) == 0;
        queue.after(1 + rnd.nextInt(3 * profile.maxDelayMs() + profile.maxFsyncMs()), "fault on new leader", () -> {
            if (healed || !leader.isUp() || leader.incarnation() != inc) {
                return;
            }
            if (isolate) {
                // Unlike a crash, a cut also loses what the leader already has in flight.
                List<Long> rest = new ArrayList<>(nodes.keySet());
                rest.remove(leader.id());
                network.split("isolated new leader " + leader.id(), List.of(leader.id()), rest);
                stats.partitions++;
                trace.log("partition: " + network.partitionName());
                queue.after(profile.electionTimeoutMs() + rnd.nextInt(3 * (int) profile.electionTimeoutMs()),
                        "heal partition", network::heal);
            } else if (downCount() <= (profile.voters() - 1) / 2) {
                stats.crashes++;
                crash(leader);
                queue.after(5 + rnd.nextInt(2 * (int) profile.electionTimeoutMs()), "restart " + leader.id(),
                        leader::restart);
            }
        });
    }

    private int downCount() {
        int down = 0;
        for (SimulatedNode n : nodes.values()) {
            if (!n.isUp() && !n.isRemoved()) {
                down++;
            }
        }
        return down;
    }

    private void partition() {
        List<Long> ids = new ArrayList<>();
        for (SimulatedNode n : nodes.values()) {
            if (!n.isRemoved()) {
                ids.add(n.id());
            }
        }
        if (ids.size() < 2) {
            return;
        }
        Collections.shuffle(ids, rnd);
        SimulatedNode leader = leader();
        int shape = rnd.nextInt(6);
        switch (shape == 5 ? 1 : shape) { // the isolated leader twice as often: stale leaders are the risk
            case 0 -> {
                int cut = 1 + rnd.nextInt(ids.size() - 1);
                network.split("halves", ids.subList(0, cut), ids.subList(cut, ids.size()));
            }
            case 1 -> {
                if (leader == null) {
                    return;
                }
                List<Long> rest = SimulatedNetwork.without(ids, Set.of(leader.id()));
                network.split("isolated leader " + leader.id(), List.of(leader.id()), rest);
            }
            case 2 -> {
                List<long[]> links = new ArrayList<>();
                int count = 1 + rnd.nextInt(ids.size());
                for (int i = 0; i < count; i++) {
                    long from = ids.get(rnd.nextInt(ids.size()));
                    long to = ids.get(rnd.nextInt(ids.size()));
                    if (from != to) {
                        links.add(new long[] {from, to});
                    }
                }
                if (leader != null && rnd.nextBoolean()) {
                    for (long other : ids) {
                        if (other != leader.id()) {
                            links.add(new long[] {other, leader.id()}); // the leader can talk but not hear
                        }
                    }
                }
                network.cutOneWay("one-way loss", links);
            }
            case 3 -> {
                if (ids.size() < 3) {
                    return;
                }
                int cut = 1 + rnd.nextInt(ids.size() - 2);
                network.bridge(ids.subList(0, cut), ids.get(cut), ids.subList(cut + 1, ids.size()));
            }
            default -> {
                if (ids.size() < 4) {
                    return;
                }
                network.ring(ids);
            }
        }
        stats.partitions++;
        trace.log("partition: " + network.partitionName());
        queue.after(50 + rnd.nextInt(3 * (int) profile.electionTimeoutMs() + 300), "heal partition", network::heal);
    }

    private void changeMembership() {
        SimulatedNode leader = leader();
        if (leader == null) {
            return;
        }
        ConfState conf = newestConf();
        List<Long> voters = new ArrayList<>(new TreeSet<>(conf.voters()));
        List<Long> learners = new ArrayList<>(new TreeSet<>(conf.learners()));
        int choice = rnd.nextInt(4);
        if (choice == 0 && nodes.size() < 8 && voters.size() + learners.size() < 7) {
            addLearner();
        } else if (choice == 1 && !learners.isEmpty()) {
            proposeConfChange(leader, ConfChange.Type.PROMOTE_LEARNER, learners.get(rnd.nextInt(learners.size())));
        } else if (choice == 2 && voters.size() > 3) {
            long victim = rnd.nextInt(3) == 0 ? leader.id() : voters.get(rnd.nextInt(voters.size()));
            proposeConfChange(leader, ConfChange.Type.REMOVE_NODE, victim);
        } else if (choice == 3 && !learners.isEmpty()) {
            proposeConfChange(leader, ConfChange.Type.REMOVE_NODE, learners.get(rnd.nextInt(learners.size())));
        }
    }

    /** Starts a brand-new empty server and asks the leader to add it as a learner. */
    private void addLearner() {
        SimulatedNode leader = leader();
        if (leader == null) {
            queue.after(profile.electionTimeoutMs(), "add learner (retry)", this::addLearner);
            return;
        }
        long id = nextNodeId++;
        if (proposeConfChange(leader, ConfChange.Type.ADD_LEARNER, id)) {
            SimulatedNode learner = new SimulatedNode(id, this, List.of(), HardState.EMPTY);
            nodes.put(id, learner);
            learner.start();
        }
    }

    private boolean proposeConfChange(SimulatedNode leader, ConfChange.Type type, long nodeId) {
        ConfChange change = new ConfChange(type, nodeId, new byte[0]);
        PendingProposal pending = new PendingProposal(Fingerprint.of(Entry.Type.CONF_CHANGE, change.encode()),
                leader.id(), 0, 0, false);
        try {
            Proposal p = leader.proposeConfChange(change, pending);
            track(pending.at(p));
            stats.confChanges++;
            trace.log("conf change " + type + " " + nodeId + " accepted by " + leader.id() + " at " + p);
            return true;
        } catch (ProposalRejectedException e) {
            trace.log("conf change " + type + " " + nodeId + " refused: " + e.reason() + " " + e.getMessage());
            return false;
        } catch (InvariantViolation e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvariantViolation(Invariant.CORE_EXCEPTION, "node " + leader.id()
                    + " proposeConfChange threw " + e, e);
        }
    }

    private void transferLeadership() {
        SimulatedNode leader = leader();
        if (leader == null) {
            return;
        }
        List<Long> voters = new ArrayList<>(new TreeSet<>(newestConf().voters()));
        voters.remove(leader.id());
        if (voters.isEmpty()) {
            return;
        }
        long target = voters.get(rnd.nextInt(voters.size()));
        try {
            leader.transferLeadership(target);
            stats.transfers++;
            trace.log("transfer leadership " + leader.id() + " -> " + target);
        } catch (ProposalRejectedException e) {
            trace.log("transfer to " + target + " refused: " + e.reason());
        } catch (InvariantViolation e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvariantViolation(Invariant.CORE_EXCEPTION, "node " + leader.id()
                    + " transferLeadership threw " + e, e);
        }
    }

    // ---- healing and liveness ----

    private void healAndCheckLiveness() {
        healed = true;
        network.heal();
        network.setQuality(0, 0, Math.min(profile.maxDelayMs(), 5), 0);
        for (SimulatedNode n : nodes.values()) {
            if (!n.isUp() && !n.isRemoved()) {
                n.restart();
            }
        }
        trace.log("healed: liveness phase");
        long healedAt = queue.now();
        // Bounded: a leader within 60 election timeouts (+2 s for restarts and snapshots), then no
        // stall of that length while proposals are pending (a slow profile may have a long backlog
        // to replicate one entry per message), and never more than two simulated minutes.
        long stallBound = 60 * profile.electionTimeoutMs() + 2000;
        long hardDeadline = healedAt + 120_000;
        long lastProgressAt = healedAt;
        long highestApplied = highestApplied();
        long nextProbe = healedAt;
        while (true) {
            if (liveAndSettled()) {
                return;
            }
            long now = queue.now();
            long applied = highestApplied();
            if (applied > highestApplied) {
                highestApplied = applied;
                lastProgressAt = now;
            }
            if (leader() == null && now - healedAt > stallBound) {
                throw new InvariantViolation(Invariant.LIVENESS_LEADER, "no leader " + (now - healedAt)
                        + "ms after every fault healed; " + describeNodes());
            }
            if (now - lastProgressAt > stallBound || now > hardDeadline) {
                throw new InvariantViolation(Invariant.LIVENESS_PROGRESS, (now - healedAt) + "ms after healing ("
                        + (now - lastProgressAt) + "ms without any entry applied): " + unresolved.size()
                        + " proposal indexes unresolved " + unresolved.keySet() + ", probe acknowledged="
                        + probeAcknowledged + ", read served=" + readServedAfterHeal + "; " + describeNodes());
            }
            if (now >= nextProbe) {
                nextProbe = now + profile.electionTimeoutMs();
                SimulatedNode leader = leader();
                if (leader != null) {
                    // Lost proposals are settled once some entry is applied at their index: write
                    // enough to reach the highest one, as clients retrying their writes would.
                    long gap = unresolved.isEmpty() ? 0 : unresolved.lastKey() - leader.status().lastIndex();
                    long writes = Math.min(gap, 64);
                    if (writes <= 0 && !probeAcknowledged) {
                        writes = 1;
                    }
                    for (long i = 0; i < writes && leader.isLeader(); i++) {
                        propose(leader, true);
                    }
                    if (!readServedAfterHeal) {
                        clientRead(leader, true);
                    }
                }
                queue.at(nextProbe, "liveness probe timer", () -> {});
            }
            runOneStep();
        }
    }

    private long highestApplied() {
        long max = 0;
        for (SimulatedNode n : nodes.values()) {
            max = Math.max(max, n.stateMachine().appliedIndex());
        }
        return max;
    }

    private boolean liveAndSettled() {
        return leader() != null && unresolved.isEmpty() && probeAcknowledged && readServedAfterHeal;
    }

    private String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (SimulatedNode n : nodes.values()) {
            sb.append(n.id()).append(n.isRemoved() ? " removed" : n.isUp() ? " " + n.status() : " down")
                    .append("; ");
        }
        return sb.toString();
    }

    // ---- views of the cluster ----

    private List<SafetyChecker.VoterLogs> voterLogs(ConfState conf) {
        List<SafetyChecker.VoterLogs> out = new ArrayList<>();
        for (long id : new TreeSet<>(conf.voters())) {
            SimulatedNode n = nodes.get(id);
            if (n != null && !n.isRemoved()) {
                out.add(new SafetyChecker.VoterLogs(id, n.liveLog(), n.durableLog()));
            }
        }
        return out.size() == conf.voters().size() ? out : List.of();
    }

    private List<SimulatedNode> upNodes() {
        List<SimulatedNode> up = new ArrayList<>();
        for (SimulatedNode n : nodes.values()) {
            if (n.isUp()) {
                up.add(n);
            }
        }
        return up;
    }

    /** The leader of the highest term among nodes that believe they lead, or null. */
    private SimulatedNode leader() {
        SimulatedNode best = null;
        long bestTerm = -1;
        for (SimulatedNode n : nodes.values()) {
            if (n.isLeader() && n.status().term() > bestTerm) {
                best = n;
                bestTerm = n.status().term();
            }
        }
        if (best == null) {
            return null;
        }
        for (SimulatedNode n : nodes.values()) {
            if (n.isUp() && !n.isRemoved() && n.status().term() > bestTerm
                    && newestConf().voters().contains(n.id())) {
                return healed ? null : best; // a voter moved on: after healing that is not a settled leader
            }
        }
        return best;
    }

    /** The membership applied furthest along the log by any node. */
    private ConfState newestConf() {
        ConfState conf = ConfState.EMPTY;
        long at = -1;
        for (SimulatedNode n : nodes.values()) {
            if (n.stateMachine().appliedIndex() > at) {
                at = n.stateMachine().appliedIndex();
                conf = n.stateMachine().conf();
            }
        }
        return conf;
    }
}
