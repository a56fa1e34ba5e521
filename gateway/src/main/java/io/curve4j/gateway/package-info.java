/**
 * The Curve4J REST gateway: one entry point for every service's REST API.
 */
package io.curve4j.gateway;
