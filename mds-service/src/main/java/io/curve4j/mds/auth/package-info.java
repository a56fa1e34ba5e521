/**
 * Users, request signatures and bearer tokens: who a REST or gRPC caller is. Users live
 * in the MDS Raft group (column family {@code users}, commands {@code create_user},
 * {@code delete_user}); root's password is configured on every member and never stored.
 * Authentication is on once a root password is configured.
 */
package io.curve4j.mds.auth;
