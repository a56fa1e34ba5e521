package io.curve4j.gateway.discovery;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Service discovery of the MDS members ({@code curve.discovery.*}). Unset, the static
 * addresses of today are used.
 */
@ConfigurationProperties("curve.discovery")
public class DiscoveryProperties {

	/**
	 * Name of the MDS service in the discovery client (in Kubernetes: the Service whose
	 * endpoints are the MDS pods, e.g. {@code mds}). Empty: use the static addresses.
	 */
	private String mdsService = "";

	/**
	 * Name of the service port to use (Kubernetes Service port name); the gateway speaks
	 * HTTP to the MDS.
	 */
	private String mdsPortName = "http";

	public String getMdsService() {
		return this.mdsService;
	}

	public void setMdsService(String mdsService) {
		this.mdsService = mdsService;
	}

	public String getMdsPortName() {
		return this.mdsPortName;
	}

	public void setMdsPortName(String mdsPortName) {
		this.mdsPortName = mdsPortName;
	}

}
