package io.raftkv.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Clients match errors by text: each must read exactly as etcd's (etcd-api.md, rpctypes). */
class EtcdErrorTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            KEY_NOT_PROVIDED    | INVALID_ARGUMENT    | etcdserver: key is not provided
            KEY_NOT_FOUND       | INVALID_ARGUMENT    | etcdserver: key not found
            VALUE_PROVIDED      | INVALID_ARGUMENT    | etcdserver: value is provided
            LEASE_PROVIDED      | INVALID_ARGUMENT    | etcdserver: lease is provided
            TOO_MANY_OPS        | INVALID_ARGUMENT    | etcdserver: too many operations in txn request
            DUPLICATE_KEY       | INVALID_ARGUMENT    | etcdserver: duplicate key given in txn request
            COMPACTED           | OUT_OF_RANGE        | etcdserver: mvcc: required revision has been compacted
            FUTURE_REVISION     | OUT_OF_RANGE        | etcdserver: mvcc: required revision is a future revision
            LEASE_NOT_FOUND     | NOT_FOUND           | etcdserver: requested lease not found
            LEASE_EXISTS        | FAILED_PRECONDITION | etcdserver: lease already exists
            LEASE_TTL_TOO_LARGE | OUT_OF_RANGE        | etcdserver: too large lease TTL
            NO_SPACE            | RESOURCE_EXHAUSTED  | etcdserver: mvcc: database space exceeded
            """)
    void codeAndTextAreEtcds(EtcdError error, StatusCode code, String text) {
        EtcdException exception = error.exception();
        assertThat(exception.code()).isEqualTo(code);
        assertThat(exception.getMessage()).isEqualTo(text);
    }
}
