/**
 * Request signing shared by the SDK, the CLI and the MDS: Curve's HMAC-SHA256 signature
 * over a request's date and owner, and the root user's name.
 */
package io.curve4j.common.auth;
