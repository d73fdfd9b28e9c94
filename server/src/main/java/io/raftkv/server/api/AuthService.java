package io.raftkv.server.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.*;

/**
 * etcd's Auth service while authentication does not exist in RaftKV: Authenticate fails with
 * exactly etcd's "authentication is not enabled" (etcdctl --user proceeds only on that), and
 * the user/role administration calls say plainly that they are not supported.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
    private static final String UNSUPPORTED = "raftkv: authentication and user management are not supported";

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> response) {
        response.onError(EtcdError.AUTH_NOT_ENABLED.asException());
    }

    @Override
    public void authDisable(AuthDisableRequest request, StreamObserver<AuthDisableResponse> response) {
        response.onError(EtcdError.AUTH_NOT_ENABLED.asException());
    }

    @Override
    public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> response) {
        unsupported(response);
    }

    @Override
    public void userAdd(AuthUserAddRequest request, StreamObserver<AuthUserAddResponse> response) {
        unsupported(response);
    }

    @Override
    public void userGet(AuthUserGetRequest request, StreamObserver<AuthUserGetResponse> response) {
        unsupported(response);
    }

    @Override
    public void userList(AuthUserListRequest request, StreamObserver<AuthUserListResponse> response) {
        unsupported(response);
    }

    @Override
    public void userDelete(AuthUserDeleteRequest request, StreamObserver<AuthUserDeleteResponse> response) {
        unsupported(response);
    }

    @Override
    public void userChangePassword(AuthUserChangePasswordRequest request,
                                   StreamObserver<AuthUserChangePasswordResponse> response) {
        unsupported(response);
    }

    @Override
    public void userGrantRole(AuthUserGrantRoleRequest request, StreamObserver<AuthUserGrantRoleResponse> response) {
        unsupported(response);
    }

    @Override
    public void userRevokeRole(AuthUserRevokeRoleRequest request, StreamObserver<AuthUserRevokeRoleResponse> response) {
        unsupported(response);
    }

    @Override
    public void roleAdd(AuthRoleAddRequest request, StreamObserver<AuthRoleAddResponse> response) {
        unsupported(response);
    }

    @Override
    public void roleGet(AuthRoleGetRequest request, StreamObserver<AuthRoleGetResponse> response) {
        unsupported(response);
    }

    @Override
    public void roleList(AuthRoleListRequest request, StreamObserver<AuthRoleListResponse> response) {
        unsupported(response);
    }

    @Override
    public void roleDelete(AuthRoleDeleteRequest request, StreamObserver<AuthRoleDeleteResponse> response) {
        unsupported(response);
    }

    @Override
    public void roleGrantPermission(AuthRoleGrantPermissionRequest request,
                                    StreamObserver<AuthRoleGrantPermissionResponse> response) {
        unsupported(response);
    }

    @Override
    public void roleRevokePermission(AuthRoleRevokePermissionRequest request,
                                     StreamObserver<AuthRoleRevokePermissionResponse> response) {
        unsupported(response);
    }

    private static void unsupported(StreamObserver<?> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription(UNSUPPORTED).asRuntimeException());
    }
}
