package io.raftkv.server.it;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Raw etcd KV stubs per member, every call with its own deadline. */
final class EtcdStubs implements AutoCloseable {
    private final List<ManagedChannel> channels = new ArrayList<>();

    EtcdStubs(List<String> endpoints) {
        for (String e : endpoints) {
            String[] hp = e.split(":");
            channels.add(NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().build());
        }
    }

    KVGrpc.KVBlockingStub kv(int member, long timeoutMillis) {
        return KVGrpc.newBlockingStub(channels.get(member)).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    void put(int member, String key, String value, long timeoutMillis) {
        kv(member, timeoutMillis).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value)).build());
    }

    RangeResponse get(int member, String key, boolean serializable, long timeoutMillis) {
        return kv(member, timeoutMillis).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setSerializable(serializable).build());
    }

    RangeResponse prefix(int member, String prefix, boolean serializable, long timeoutMillis) {
        byte[] end = prefix.getBytes();
        end[end.length - 1]++;
        return kv(member, timeoutMillis).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(prefix))
                .setRangeEnd(ByteString.copyFrom(end)).setSerializable(serializable).build());
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
