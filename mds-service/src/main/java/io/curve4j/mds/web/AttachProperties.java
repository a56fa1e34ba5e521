package io.curve4j.mds.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What a host needs besides the MDS to attach a volume ({@code curve.mds.attach.*}),
 * returned by the attachment endpoint.
 */
@ConfigurationProperties("curve.mds.attach")
public class AttachProperties {

	/**
	 * "host:port" of the NBD server that exports volumes by path ({@code nbd://host:port/path});
	 * unset when the cluster runs none, and hosts then attach through the SDK.
	 */
	private String nbdAddress;

	public String getNbdAddress() {
		return this.nbdAddress;
	}

	public void setNbdAddress(String nbdAddress) {
		this.nbdAddress = nbdAddress;
	}

}
