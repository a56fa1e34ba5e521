/**
 * The local cluster: every service of Curve4J as its own JVM on 127.0.0.1, launched from
 * the built jars, with data, logs and the connection file under one home directory; what
 * {@code curve local} and the end-to-end tests run.
 */
package io.curve4j.local;
