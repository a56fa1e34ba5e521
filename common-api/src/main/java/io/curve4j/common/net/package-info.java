/**
 * Network addresses as typed values: the "host:port" of a service, parsed once where it
 * enters (configuration, a command line) instead of taken apart by hand where it is used.
 */
package io.curve4j.common.net;
