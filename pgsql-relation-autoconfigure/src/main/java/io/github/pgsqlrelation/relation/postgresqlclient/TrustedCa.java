package io.github.pgsqlrelation.relation.postgresqlclient;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;

/**
 * The CA certificates (PEM) a provider publishes in {@code tls-ca}, checked to be at
 * least one X.509 certificate, and named by the SHA-256 of their text.
 *
 * @param pem the certificates as published
 * @param sha256 the SHA-256 of the published text, in lower-case hex
 */
record TrustedCa(String pem, String sha256) {

	/**
	 * Checks and names published CA certificates.
	 * @throws IllegalArgumentException when the text holds no X.509 certificate, or one
	 * that cannot be read; the message never quotes the text
	 */
	static TrustedCa of(String pem) {
		byte[] bytes = pem.getBytes(StandardCharsets.UTF_8);
		try {
			if (!pem.contains("-----BEGIN CERTIFICATE-----") || CertificateFactory.getInstance("X.509")
				.generateCertificates(new ByteArrayInputStream(bytes))
				.isEmpty()) {
				throw new IllegalArgumentException("holds no PEM certificate");
			}
		}
		catch (CertificateException ex) {
			// The factory's message may quote the content: it is not passed on
			throw new IllegalArgumentException("is not a valid PEM certificate (chain)");
		}
		try {
			return new TrustedCa(pem, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	@Override
	public String toString() {
		return "TrustedCa[sha256=" + this.sha256 + "]";
	}

}
