package io.curve4j.discovery;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Service discovery of the MDS members ({@code curve.discovery.*}). Unset, each service
 * uses its static MDS addresses, as outside Kubernetes.
 */
@ConfigurationProperties("curve.discovery")
public class DiscoveryProperties {

	/**
	 * Name of the MDS service in the discovery client (in Kubernetes: the Service whose
	 * endpoints are the MDS pods, {@code mds}). Empty: use the static addresses. A service
	 * takes the port it speaks by name: {@code http} (the gateway) or {@code grpc} (the
	 * chunkservers, metaservers and snapshot service).
	 */
	private String mdsService = "";

	public String getMdsService() {
		return this.mdsService;
	}

	public void setMdsService(String mdsService) {
		this.mdsService = mdsService;
	}

}
