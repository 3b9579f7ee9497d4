package io.github.pgsqlrelation.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA of the demo's own and the certificate its servers serve TLS with (EC P-256, for
 * {@code 127.0.0.1} and {@code localhost}), as a TLS provider charm would issue them to a
 * PostgreSQL charm. The charm publishes the CA in the relation ({@code tls-ca}).
 *
 * @param caPem the CA certificate, PEM
 * @param certificateChain PEM file: the server's certificate, then the CA's
 * @param privateKey PEM file (PKCS #8, mode 0600): the server's key
 */
record DemoCertificates(String caPem, Path certificateChain, Path privateKey) {

	private static final Duration VALIDITY = Duration.ofDays(30);

	/** Makes the CA and the server certificate, and writes the server's files. */
	static DemoCertificates create(Path directory) {
		try {
			KeyPair caKeys = newKeyPair();
			KeyPair serverKeys = newKeyPair();
			X500Name caName = new X500Name("CN=pgsql-relation demo CA");
			Instant now = Instant.now();
			Date notBefore = Date.from(now.minus(Duration.ofMinutes(5)));
			Date notAfter = Date.from(now.plus(VALIDITY));
			ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate());
			JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, notBefore,
					notAfter, caName, caKeys.getPublic());
			ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			X509CertificateHolder caCertificate = ca.build(signer);
			JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, notBefore,
					notAfter, new X500Name("CN=127.0.0.1"), serverKeys.getPublic());
			server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			server.addExtension(Extension.keyUsage, true,
					new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
			server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
			server.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
							new GeneralName(GeneralName.dNSName, "localhost") }));
			X509CertificateHolder serverCertificate = server.build(signer);
			String caPem = pem("CERTIFICATE", caCertificate.getEncoded());
			Path chain = directory.resolve("server-chain.pem");
			Path key = directory.resolve("server-key.pem");
			Files.writeString(chain, pem("CERTIFICATE", serverCertificate.getEncoded()) + caPem,
					StandardCharsets.US_ASCII);
			writePrivately(key, serverKeys.getPrivate());
			return new DemoCertificates(caPem, chain, key);
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IllegalStateException("Could not make the demo's certificates: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the demo's certificates in " + directory, ex);
		}
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return generator.generateKeyPair();
	}

	private static void writePrivately(Path file, PrivateKey key) throws IOException {
		Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
	}

	private static String pem(String type, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
	}

}
