/**
 * The SDK's routing cache (segment -> chunks, copyset -> members, copyset -> leader)
 * and its connections: the leader-following {@link io.curve4j.sdk.metacache.MdsClient}
 * and one reused gRPC channel per address ({@link io.curve4j.sdk.metacache.ChannelPool}).
 */
package io.curve4j.sdk.metacache;
