package io.raftkv.storage.mvcc;

import static io.raftkv.storage.mvcc.Requests.of;
import static io.raftkv.storage.mvcc.Requests.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.SnapshotMetadata;
import io.raftkv.storage.snapshot.DirectoryInstall;
import io.raftkv.storage.snapshot.SnapshotArchive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints streamed as bytes and installed elsewhere give the same state and hashes. */
class SnapshotTest {
    @TempDir
    Path dir;

    private static List<CommittedCommand> workload() {
        List<CommittedCommand> entries = new ArrayList<>(Workload.entries(99, 400));
        entries.add(new CommittedCommand.MembershipChange(401, 2, new ConfState(Set.of(1L, 2L, 3L), Set.of(4L))));
        return entries;
    }

    @Test
    void streamedSnapshotInstallsWithEqualStateAndHash() throws IOException {
        List<CommittedCommand> entries = workload();
        try (MvccStore source = MvccStore.open(dir.resolve("source"), MvccOptions.defaults());
             MvccStore target = MvccStore.open(dir.resolve("target"), MvccOptions.defaults())) {
            Workload.applyFrom(source, entries, new Random(3), 10, index -> { });
            new StoreFixture(target).apply(of(put("stale", "data"))); // replaced by the install

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SnapshotMetadata written = source.writeSnapshot(bytes);
            assertThat(written).isEqualTo(new SnapshotMetadata(401, 2, source.state().confState()));
            SnapshotMetadata installed = target.installSnapshot(new ByteArrayInputStream(bytes.toByteArray()));

            assertThat(installed).isEqualTo(written);
            assertThat(target.state()).isEqualTo(source.state());
            assertThat(target.hash()).isEqualTo(source.hash());
            assertThat(target.hashKV(0)).isEqualTo(source.hashKV(0));
            assertThat(target.leases()).isEqualTo(source.leases());

            // both go on applying the same entries and stay equal
            List<CommittedCommand> more = List.of(new CommittedCommand.Request(402, 2, of(put("after", "snap"))));
            source.applyBatch(more);
            target.applyBatch(more);
            assertThat(target.hashKV(0)).isEqualTo(source.hashKV(0));
            assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("source", "target");
        }
    }

    @Test
    void aCorruptedSnapshotIsRefusedAndTheStoreKeepsItsState() throws IOException {
        try (MvccStore source = MvccStore.open(dir.resolve("source"), MvccOptions.defaults());
             MvccStore target = MvccStore.open(dir.resolve("target"), MvccOptions.defaults())) {
            Workload.applyFrom(source, workload(), new Random(3), 10, index -> { });
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            source.writeSnapshot(bytes);
            byte[] corrupt = bytes.toByteArray();
            corrupt[corrupt.length / 2] ^= 0x5A;
            int before = target.hash();
            assertThatThrownBy(() -> target.installSnapshot(new ByteArrayInputStream(corrupt)))
                    .isInstanceOf(IOException.class);
            assertThat(target.hash()).isEqualTo(before);
        }
    }

    @Test
    void anInstallInterruptedAfterItWasCompleteIsFinishedOnOpen() throws IOException {
        Path sourceRoot = dir.resolve("source");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AppliedState expected;
        try (MvccStore source = MvccStore.open(sourceRoot, MvccOptions.defaults())) {
            Workload.applyFrom(source, workload(), new Random(3), 10, index -> { });
            source.writeSnapshot(bytes);
            expected = source.state();
        }
        Path targetRoot = dir.resolve("target");
        try (MvccStore target = MvccStore.open(targetRoot, MvccOptions.defaults())) {
            new StoreFixture(target).apply(of(put("stale", "data")));
        }
        // the crash happened right after the staged directory was marked complete
        Path live = targetRoot.resolve("db");
        SnapshotArchive.unpack(new ByteArrayInputStream(bytes.toByteArray()), DirectoryInstall.stagingPath(live));
        DirectoryInstall.markComplete(live);
        try (MvccStore target = MvccStore.open(targetRoot, MvccOptions.defaults())) {
            assertThat(target.state()).isEqualTo(expected);
        }
    }

    @Test
    void aHalfWrittenStagingDirectoryIsDiscardedOnOpen() throws IOException {
        Path root = dir.resolve("store");
        try (MvccStore store = MvccStore.open(root, MvccOptions.defaults())) {
            new StoreFixture(store).apply(of(put("kept", "1")));
        }
        Files.createDirectories(DirectoryInstall.stagingPath(root.resolve("db")));
        Files.writeString(DirectoryInstall.stagingPath(root.resolve("db")).resolve("000001.sst"), "partial");
        try (MvccStore store = MvccStore.open(root, MvccOptions.defaults())) {
            assertThat(store.state().revision()).isEqualTo(2);
            assertThat(Files.exists(DirectoryInstall.stagingPath(root.resolve("db")))).isFalse();
        }
    }
}
