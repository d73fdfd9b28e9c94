package io.raftkv.server.it;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.etcd.AlarmRequest;
import io.raftkv.proto.etcd.AlarmType;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.PutRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** etcd's space quota: past --quota-backend-bytes writes are refused and a NOSPACE alarm is raised. */
class SpaceQuotaTest {
    @TempDir
    Path dir;

    @Test
    void writesAreRefusedWithNoSpaceOnceTheQuotaIsExceeded() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(dir, 1, List.of("--quota-backend-bytes", "4000000"));
             EtcdStubs stubs = new EtcdStubs(cluster.endpoints())) {
            ByteString big = ByteString.copyFrom(new byte[512 * 1024]);
            StatusRuntimeException refused = null;
            for (int i = 0; i < 200 && refused == null; i++) {
                try {
                    stubs.kv(0, 10_000).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("big" + i))
                            .setValue(big).build());
                } catch (StatusRuntimeException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("a put past the quota is refused").isNotNull();
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(refused.getStatus().getDescription()).isEqualTo("etcdserver: mvcc: database space exceeded");

            var alarms = io.raftkv.proto.etcd.MaintenanceGrpc.newBlockingStub(
                            io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forTarget(cluster.endpoint(0))
                                    .usePlaintext().build())
                    .alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build());
            assertThat(alarms.getAlarmsList()).anySatisfy(a -> assertThat(a.getAlarm()).isEqualTo(AlarmType.NOSPACE));
            // Reads and deletes still work under the alarm.
            assertThat(stubs.get(0, "big0", false, 5_000).getCount()).isEqualTo(1);
            assertThat(stubs.kv(0, 5_000).deleteRange(DeleteRangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("big0")).build()).getDeleted()).isEqualTo(1);
        }
    }
}
