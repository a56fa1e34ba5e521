/**
 * The metaserver's gRPC door: MetaService, checking the mount's capability on every call.
 */
package io.curve4j.metaserver.rpc;
