package io.raftkv.server.node;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.internal.MemberAttributesRequest;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.proto.raft.MemberRecord;
import io.raftkv.proto.raft.SnapshotDescriptor;
import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.RaftConfig;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SoftState;
import io.raftkv.server.api.EtcdError;
import io.raftkv.server.apply.AppliedIndexWaiter;
import io.raftkv.server.apply.ApplyLoop;
import io.raftkv.server.apply.ProposalTracker;
import io.raftkv.server.config.ClusterState;
import io.raftkv.server.config.MemberIds;
import io.raftkv.server.config.NodeConfig;
import io.raftkv.server.lease.LeaseKeeper;
import io.raftkv.server.metrics.ServerMetrics;
import io.raftkv.server.raft.RaftDriver;
import io.raftkv.server.raft.RaftDriverListener;
import io.raftkv.server.raft.TimedLogStorage;
import io.raftkv.server.transport.PeerDirectory;
import io.raftkv.server.transport.PeerProber;
import io.raftkv.server.transport.PeerTransport;
import io.raftkv.server.watch.WatchHub;
import io.raftkv.server.watch.WatchOptions;
import io.raftkv.storage.log.RocksRaftLogStorage;
import io.raftkv.storage.mvcc.MvccOptions;
import io.raftkv.storage.mvcc.MvccStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One RaftKV member: its Raft log and state machine on disk, the consensus core driven by its
 * own thread, the apply thread, the peer transport and lease expiry. The gRPC services reach
 * the cluster only through the methods here: {@link #propose}, {@link #linearizableBarrier},
 * {@link #store()} and the status accessors.
 */
public final class RaftKvNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftKvNode.class);
    private static final int READ_THREADS = 2;
    /** How soon to ask for a read index again while catching up after the start. */
    private static final long CATCH_UP_RETRY_MILLIS = 20;

    private final NodeConfig config;
    private final FailStop failStop;
    private final ServerMetrics metrics;
    /** The leader last seen by the Raft thread (0: none), to count leader changes as etcd does. */
    private long lastLeader;
    private final long memberId;
    private final long clusterId;
    private final RocksRaftLogStorage logStorage;
    private final MvccStore store;
    private final MemberRegistry members;
    private final SnapshotFiles snapshots;
    private final PeerDirectory peers = new PeerDirectory();
    private final ProposalTracker tracker;
    private final AppliedIndexWaiter waiter;
    /** Completes confirmed reads and runs what they chain (range, header, serialization). */
    private final ExecutorService reads;
    private final PeerTransport transport;
    private final PeerProber prober;
    private final RaftDriver driver;
    private final ApplyLoop applyLoop;
    private final Proposer proposer;
    private final LeaseKeeper leases;
    private final long requestTimeoutMillis;
    private final WatchHub watchHub;
    private volatile long lastSnapshotIndex;
    /** Packs snapshots off the apply thread; {@link #packing} keeps it to one at a time. */
    private final java.util.concurrent.ExecutorService snapshotPacker = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "snapshot-pack");
                t.setDaemon(true);
                return t;
            });
    private final java.util.concurrent.atomic.AtomicBoolean packing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean attributesPublished;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

    private RaftKvNode(NodeConfig config, FailStop failStop, ServerMetrics metrics) throws IOException {
        this.config = config;
        this.failStop = failStop;
        this.metrics = metrics;
        this.clusterId = MemberIds.clusterId(List.of(MemberIds.memberId(List.of(), config.initialClusterToken())));
        this.requestTimeoutMillis = 5_000L + 2L * config.electionTimeoutMillis();
        Path dir = config.dataDir();
        Files.createDirectories(dir);
        this.logStorage = RocksRaftLogStorage.open(dir.resolve("raft"), RocksRaftLogStorage.RecentEntriesLimit.DEFAULT,
                TestOnlyFaults.logDurability());
        // etcd's minimum lease TTL: a lease must outlive one leader election.
        long minLeaseTtl = Math.max(1, (long) Math.ceil(1.5 * config.electionTimeoutMillis() / 1000.0));
        this.store = MvccStore.open(dir.resolve("kv"), new MvccOptions(minLeaseTtl, false,
                TestOnlyFaults.stateMachineDurability()));
        this.members = MemberRegistry.open(dir.resolve("members.pb"));
        this.snapshots = new SnapshotFiles(dir.resolve("snap"));
        // Etcd fragments watch responses at the request size limit.
        this.watchHub = new WatchHub(store, WatchOptions.defaults().withFragmentBytes(config.maxRequestBytes())
                .withProgressNotifyInterval(java.time.Duration.ofMillis(config.watchProgressNotifyMillis())));
        this.lastSnapshotIndex = logStorage.snapshot().index();

        boolean fresh = logStorage.lastIndex() == 0 && logStorage.snapshot().index() == 0;
        boolean joining = config.initialClusterState() == ClusterState.EXISTING;
        MemberIdentity.Resolved identity = MemberIdentity.resolve(config, fresh, joining);
        this.memberId = identity.memberId();
        Map<Long, MemberRecord> initial = initialMembers(config);
        if (fresh && !joining) {
            bootstrap(initial);
        }
        // Peers reach each other before the membership entries apply: a new cluster's members
        // know each other from the flags, a joining member from the member table it was given.
        if (joining) {
            identity.clusterMembers().stream().filter(m -> m.getPeerUrlsCount() > 0)
                    .forEach(m -> peers.put(m.getId(), URI.create(m.getPeerUrls(0))));
        } else {
            initial.values().forEach(m -> peers.put(m.getId(), URI.create(m.getPeerUrls(0))));
        }
        members.all().forEach(m -> {
            if (m.getPeerUrlsCount() > 0) {
                peers.put(m.getId(), URI.create(m.getPeerUrls(0)));
            }
        });

        long applied = store.state().appliedIndex();
        long committed = logStorage.initialState().hardState().commit();
        log.info("state machine at applied index {}, Raft log {}..{} committed to {}: {} committed entries to replay"
                        + " ({} ms after the JVM started)", applied, logStorage.firstIndex(), logStorage.lastIndex(),
                committed, Math.max(0, committed - applied), ManagementFactory.getRuntimeMXBean().getUptime());
        // Linearizable reads run here once confirmed and applied: off the Raft and apply threads.
        this.reads = Executors.newFixedThreadPool(READ_THREADS, r -> {
            Thread t = new Thread(r, "reads-" + config.name());
            t.setDaemon(true);
            return t;
        });
        this.waiter = new AppliedIndexWaiter(applied, reads);
        this.tracker = new ProposalTracker(memberId, System.currentTimeMillis());
        RaftConfig raftConfig = RaftConfig.builder(memberId, new Random(new SecureRandom().nextLong()))
                .electionTicks(config.electionTicks()).build();
        RaftNode core = RaftNode.create(raftConfig, logStorage, applied, store.state().confState());
        advanceElectionTicks(core, fresh && !joining ? initial.size() : core.status().confState().voters().size());
        this.transport = new PeerTransport(memberId, clusterId, peers, snapshots, new PeerTransport.DeliveryListener() {
            @Override
            public void unreachable(long peer) {
                driverOrNull().ifPresent(d -> d.reportUnreachable(peer));
                proposerOrNull().ifPresent(p -> p.peerLost(peer));
            }

            @Override
            public void connectionReset(long peer) {
                driverOrNull().ifPresent(d -> d.reportConnectionReset(peer));
                proposerOrNull().ifPresent(p -> p.peerLost(peer));
            }

            @Override
            public void snapshotSent(long peer, boolean succeeded) {
                driverOrNull().ifPresent(d -> d.reportSnapshot(peer, succeeded));
            }
        });
        this.prober = new PeerProber(memberId, peers, transport::channel, metrics::peerRoundTrip);
        this.applyLoop = new ApplyLoop(config.name(), store, tracker, waiter, new ApplyHooks());
        this.driver = new RaftDriver(config.name(), core, new TimedLogStorage(logStorage, metrics::walFsync),
                transport, new DriverListener(),
                config.heartbeatIntervalMillis(), reads);
        this.proposer = new Proposer(driver, tracker, transport, requestTimeoutMillis, waiter,
                2L * config.electionTimeoutMillis(), metrics);
        this.leases = new LeaseKeeper(store, this::isLeader, proposer::propose, System::currentTimeMillis,
                config.electionTimeoutMillis());
    }

    /**
     * Opens the member's state (log, state machine, members) and starts applying. Consensus
     * starts with {@link #startConsensus}, once the peer port listens: a vote asked for before
     * then could not be answered, and a failed pre-vote costs a whole election timeout.
     *
     * @param failStop what to do once the Raft or apply thread has failed (the process exits)
     * @param metrics  where the member's etcd metrics go (exported once {@link #bindMetrics} is called)
     */
    public static RaftKvNode open(NodeConfig config, FailStop failStop, ServerMetrics metrics) throws IOException {
        if (!TestOnlyFaults.describe().isEmpty()) {
            log.warn(TestOnlyFaults.describe());
        }
        RaftKvNode node = new RaftKvNode(config, failStop, metrics);
        node.applyLoop.start();
        return node;
    }

    /** Exports this member's etcd metrics in {@code registry}; once, after {@link #startConsensus}. */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        metrics.bind(registry, new MetricSources());
    }

    /** Starts the Raft thread, lease expiry and the peer connections, and begins catching up. */
    public void startConsensus() {
        driver.start();
        leases.start();
        transport.connectAll();
        prober.start();
        catchUp();
    }

    /**
     * Completes once this member has applied everything the cluster had committed when it
     * (re)joined: a read index confirmed by the leader after the start, then the apply thread
     * reaching it. Until then it serves no client and /health is false, so a restarted member
     * never answers with state older than what it served before it died (etcd serves once its
     * publish entry is applied, to the same end).
     */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    private void catchUp() {
        driver.readIndex()
                .thenCompose(waiter::await)
                .orTimeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((v, t) -> {
                    if (t == null) {
                        log.info("member {} caught up with the leader at applied index {}, {} ms after the JVM started",
                                Long.toUnsignedString(memberId, 16), waiter.applied(),
                                ManagementFactory.getRuntimeMXBean().getUptime());
                        caughtUp.complete(null);
                    } else if (driver.isRunning()) {
                        // No leader known yet (or it changed): ask again shortly; a leader's heartbeat
                        // arrives every heartbeat interval.
                        CompletableFuture.delayedExecutor(CATCH_UP_RETRY_MILLIS, TimeUnit.MILLISECONDS)
                                .execute(this::catchUp);
                    }
                });
    }

    /**
     * etcd's initial election tick advance: a starting member counts most of an election timeout
     * as already elapsed, so that a new cluster elects its first leader a few ticks after its
     * members listen instead of a whole randomized timeout (1-2 s by default) later. The ticks
     * start to run with the Raft thread, once the peer port listens ({@link #startConsensus}).
     * A member restarting into a live cluster usually hears the leader's heartbeat first; if not,
     * its pre-vote changes no term and is refused by every member that heard a leader within an
     * election timeout (check-quorum's lease), so a live leader is never deposed by it. Learners
     * and members not yet in the configuration never campaign.
     */
    private void advanceElectionTicks(RaftNode core, int voters) {
        int ticks = config.electionTicks() - (voters <= 1 ? 1 : 2);
        for (int i = 0; i < ticks; i++) {
            core.tick();
        }
    }

    private Optional<RaftDriver> driverOrNull() {
        return Optional.ofNullable(driver);
    }

    private Optional<Proposer> proposerOrNull() {
        return Optional.ofNullable(proposer);
    }

    private static Map<Long, MemberRecord> initialMembers(NodeConfig config) {
        Map<Long, MemberRecord> out = new TreeMap<>();
        config.initialCluster().forEach((name, urls) -> {
            long id = MemberIds.memberId(urls, config.initialClusterToken());
            out.put(id, MemberRecord.newBuilder().setId(id).setName(name)
                    .addAllPeerUrls(urls.stream().map(URI::toString).toList()).build());
        });
        return out;
    }

    /**
     * A brand-new cluster: every initial member writes the same first entries, one ADD_VOTER per
     * member carrying its name and peer URLs, already committed (the core's bootstrap format).
     */
    private void bootstrap(Map<Long, MemberRecord> initial) {
        List<Entry> entries = new ArrayList<>();
        long index = 1;
        for (MemberRecord m : initial.values()) { // sorted by id: identical on every member
            ConfChange add = new ConfChange(ConfChange.Type.ADD_VOTER, m.getId(), m.toByteArray());
            entries.add(new Entry(1, index++, Entry.Type.CONF_CHANGE, add.encode()));
        }
        logStorage.append(entries);
        logStorage.setHardState(new HardState(1, 0, entries.size()));
        log.info("bootstrapped a new cluster of {} members", entries.size());
    }

    // ------------------------------------------------------------------ what services use

    public long memberId() {
        return memberId;
    }

    public long clusterId() {
        return clusterId;
    }

    public NodeConfig config() {
        return config;
    }

    public MvccStore store() {
        return store;
    }

    public MemberRegistry members() {
        return members;
    }

    public LeaseKeeper leases() {
        return leases;
    }

    public RaftNode.Status raftStatus() {
        return driver.status();
    }

    public boolean isLeader() {
        return driver.status().role() == SoftState.Role.LEADER;
    }

    public long leaderId() {
        return driver.status().leaderId();
    }

    public boolean isLearner() {
        return driver.status().confState().learners().contains(memberId);
    }

    public boolean healthy() {
        return driver.isRunning() && applyLoop.healthy();
    }

    /** Running, with a leader known, and caught up since the start: what /health reports. */
    public boolean serving() {
        return healthy() && leaderId() != 0 && caughtUp.isDone();
    }

    public long appliedIndex() {
        return waiter.applied();
    }

    public long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    /** A full response header: cluster, member, the store's current revision and the Raft term. */
    public ResponseHeader header() {
        return header(store.state().revision());
    }

    public ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).setRevision(revision)
                .setRaftTerm(driver.status().term()).build();
    }

    /** The watchers of this node, fed by the apply thread. */
    public WatchHub watchHub() {
        return watchHub;
    }

    /** Proposes a mutation through the leader; completes with etcd's response once applied. */
    public CompletableFuture<Message> propose(InternalRequest request) {
        return proposer.propose(request);
    }

    /**
     * Completes once this node has applied everything committed before the call: a read after
     * it is linearizable. Confirms leadership with a quorum (ReadIndex); followers ask the leader.
     */
    public CompletableFuture<Void> linearizableBarrier() {
        if (TestOnlyFaults.STALE_READS) {
            return CompletableFuture.completedFuture(null); // deliberately broken: see TestOnlyFaults
        }
        return driver.readIndex()
                .thenCompose(waiter::await)
                .orTimeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                .exceptionally(t -> {
                    metrics.readIndexFailed();
                    throw new CompletionException(Proposer.asStatus(t));
                });
    }

    public CompletableFuture<Long> proposeConfChange(ConfChange change) {
        if (!isLeader()) {
            return CompletableFuture.failedFuture(leaderId() == 0 ? EtcdError.NO_LEADER.asException()
                    : EtcdError.NOT_LEADER.asException());
        }
        return driver.proposeConfChange(change)
                .thenCompose(p -> waiter.await(p.index()).thenApply(v -> p.index()))
                .orTimeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                .exceptionally(t -> {
                    throw new CompletionException(Proposer.asStatus(t));
                });
    }

    public CompletableFuture<Void> transferLeadership(long target) {
        return driver.transferLeadership(target);
    }

    /** The proposal path served to followers that forward writes here. */
    public Proposer proposer() {
        return proposer;
    }

    public PeerTransport transport() {
        return transport;
    }

    public void stepPeerMessage(io.raftkv.raft.core.Message message) {
        driver.step(message);
    }

    public SnapshotFiles snapshotFiles() {
        return snapshots;
    }

    /** Streams a fresh snapshot of the key-value state (etcdctl snapshot save). */
    public void writeSnapshot(OutputStream out) throws IOException {
        store.writeSnapshot(out);
    }

    // ------------------------------------------------------------------ callbacks

    private final class DriverListener implements RaftDriverListener {
        @Override
        public void onCommitted(List<Entry> entries, Map<Long, ConfState> confStates) {
            applyLoop.committed(entries, confStates);
        }

        @Override
        public void onSnapshotReceived(Snapshot snapshot) {
            applyLoop.restore(snapshot);
        }

        @Override
        public void onSoftState(SoftState state, long term) {
            log.info("member {} is {} in term {} (leader {})", Long.toUnsignedString(memberId, 16), state.role(), term,
                    Long.toUnsignedString(state.leaderId(), 16));
            if (state.leaderId() != 0 && state.leaderId() != lastLeader) {
                metrics.leaderChanged();
            }
            lastLeader = state.leaderId();
            if (state.leaderId() != 0 && !attributesPublished) {
                publishAttributes();
            }
        }

        @Override
        public void onFailure(Throwable cause) {
            failStop.stop("the Raft thread of member " + Long.toUnsignedString(memberId, 16) + " failed", cause);
        }
    }

    /** Announces this member's name and client URLs through the log, as etcd members do at start. */
    private void publishAttributes() {
        attributesPublished = true;
        MemberAttributesRequest attributes = MemberAttributesRequest.newBuilder().setMemberId(memberId)
                .setName(config.name())
                .addAllClientUrls(config.advertiseClientUrls().stream().map(URI::toString).toList()).build();
        CompletableFuture.runAsync(() -> {
            for (int attempt = 0; attempt < 50; attempt++) {
                Optional<MemberRecord> me = members.get(memberId);
                if (me.isPresent() && me.get().getName().equals(attributes.getName())
                        && me.get().getClientUrlsList().equals(attributes.getClientUrlsList())) {
                    return;
                }
                try {
                    proposer.propose(InternalRequest.newBuilder().setMemberAttributes(attributes).build())
                            .get(requestTimeoutMillis, TimeUnit.MILLISECONDS);
                    return;
                } catch (Exception e) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        });
    }

    /** What the etcd gauges read from this member. */
    private final class MetricSources implements ServerMetrics.Sources {
        @Override
        public boolean hasLeader() {
            return leaderId() != 0;
        }

        @Override
        public boolean isLeader() {
            return RaftKvNode.this.isLeader();
        }

        @Override
        public boolean isLearner() {
            return RaftKvNode.this.isLearner();
        }

        @Override
        public long committedIndex() {
            return raftStatus().commitIndex();
        }

        @Override
        public long appliedIndex() {
            return RaftKvNode.this.appliedIndex();
        }

        @Override
        public long pendingProposals() {
            return tracker.pending();
        }

        @Override
        public long revision() {
            return store.state().revision();
        }

        @Override
        public long dbSizeBytes() {
            return store.dbSize();
        }
    }

    private final class ApplyHooks implements ApplyLoop.Hooks {
        @Override
        public void membershipChanged(ConfChange change, ConfState confState) {
            members.apply(change);
            if (change.type() == ConfChange.Type.REMOVE_NODE) {
                if (change.nodeId() != memberId) {
                    peers.remove(change.nodeId());
                    transport.forget(change.nodeId());
                }
            } else {
                members.get(change.nodeId()).filter(m -> m.getPeerUrlsCount() > 0)
                        .ifPresent(m -> peers.put(m.getId(), URI.create(m.getPeerUrls(0))));
            }
        }

        @Override
        public void memberAttributes(MemberAttributesRequest a) {
            members.update(a.getMemberId(),
                    a.getName().isEmpty() ? Optional.empty() : Optional.of(a.getName()),
                    a.getClientUrlsCount() == 0 ? Optional.empty() : Optional.of(a.getClientUrlsList()),
                    a.getPeerUrlsCount() == 0 ? Optional.empty() : Optional.of(a.getPeerUrlsList()));
            if (a.getPeerUrlsCount() > 0 && a.getMemberId() != memberId) {
                peers.put(a.getMemberId(), URI.create(a.getPeerUrls(0)));
            }
        }

        @Override
        public void eventsApplied(List<Event> events, long revision) {
            watchHub.publish(events, revision);
        }

        @Override
        public void restoreSnapshot(Snapshot snapshot) throws Exception {
            SnapshotDescriptor descriptor = SnapshotDescriptor.parseFrom(snapshot.data());
            Path file = snapshots.incomingComplete(descriptor.getSnapshotId());
            try (InputStream in = Files.newInputStream(file)) {
                store.installSnapshot(in);
            }
            watchHub.restored(store.state().revision());
            members.replaceAll(descriptor.getMembers());
            members.all().forEach(m -> {
                if (m.getPeerUrlsCount() > 0) {
                    peers.put(m.getId(), URI.create(m.getPeerUrls(0)));
                }
            });
            lastSnapshotIndex = snapshot.index();
            log.info("restored snapshot {} at index {}", descriptor.getSnapshotId(), snapshot.index());
        }

        @Override
        public void batchWritten(long nanos) {
            metrics.backendCommit(nanos);
        }

        @Override
        public void afterBatch(long appliedIndex) {
            if (appliedIndex - lastSnapshotIndex >= config.snapshotCount()) {
                takeSnapshot();
            }
        }

        @Override
        public void applyFailed(Throwable cause) {
            // Stop voting and leading before anything else: a leader that can no longer apply
            // would keep its followers from electing one that can.
            try {
                driver.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            failStop.stop("the apply thread of member " + Long.toUnsignedString(memberId, 16) + " failed", cause);
        }
    }

    /**
     * Checkpoints the state machine on the apply thread (so the checkpoint sits exactly at the
     * applied index) and packs it on the snapshot thread, which then lets the log be compacted up
     * to it. One snapshot at a time: batches applied meanwhile do not start another.
     */
    private void takeSnapshot() {
        if (!packing.compareAndSet(false, true)) {
            return;
        }
        MvccStore.PendingSnapshot pending;
        io.raftkv.proto.raft.MemberTable descriptorMembers;
        try {
            snapshots.pruneIncoming();
            pending = store.checkpointForSnapshot();
            // The member table as of the checkpoint's index: later batches may change it.
            descriptorMembers = members.table();
        } catch (IOException | RuntimeException e) {
            packing.set(false);
            log.warn("snapshot at index {} failed: {}", store.state().appliedIndex(), e.toString());
            return;
        }
        try {
            snapshotPacker.execute(() -> pack(pending, descriptorMembers));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            closeQuietly(pending);
            packing.set(false);
        }
    }

    /** Runs on the snapshot thread. */
    private void pack(MvccStore.PendingSnapshot pending, io.raftkv.proto.raft.MemberTable descriptorMembers) {
        io.raftkv.raft.core.SnapshotMetadata md = pending.metadata();
        String id = SnapshotFiles.idFor(md.index(), md.term());
        Path file = snapshots.newOutgoing(id);
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                pending.pack(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file); // a partial archive must not outlive the last good one
                throw e;
            }
            byte[] descriptor = SnapshotDescriptor.newBuilder().setSnapshotId(id)
                    .setMembers(descriptorMembers).build().toByteArray();
            // A snapshot received meanwhile may already be newer; the driver ignores an older compaction.
            if (driver.isRunning()) {
                driver.compact(new Snapshot(md, descriptor));
            }
            lastSnapshotIndex = Math.max(lastSnapshotIndex, md.index());
            snapshots.pruneOutgoing();
            log.info("snapshot {} taken at index {}", id, md.index());
        } catch (IOException | RuntimeException e) {
            log.warn("snapshot at index {} failed: {}", md.index(), e.toString());
        } finally {
            closeQuietly(pending);
            packing.set(false);
        }
    }

    private static void closeQuietly(MvccStore.PendingSnapshot pending) {
        try {
            pending.close();
        } catch (IOException e) {
            log.warn("cannot remove checkpoint: {}", e.toString());
        }
    }

    private void awaitPacker() {
        try {
            if (!snapshotPacker.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("snapshot packing still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        snapshotPacker.shutdownNow();
        try {
            leases.close();
            driver.close();
            applyLoop.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            awaitPacker();
            reads.shutdown();
            prober.close();
            transport.close();
            watchHub.close();
            store.close();
            logStorage.close();
        }
    }
}
