/**
 * The metaserver's settings and the beans built from them.
 */
package io.curve4j.metaserver.config;
