package io.github.pgsqlrelation.connection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes a CA and server certificates (EC P-256) for TLS tests, written as PEM files; the
 * integration tests of the {@code postgresql_client} interface use it too.
 */
public final class TestCertificates {

	private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

	private final KeyPair caKeys;

	private final X509CertificateHolder caCertificate;

	private TestCertificates(String name) {
		this.caKeys = newKeyPair();
		X500Name subject = new X500Name("CN=" + name);
		this.caCertificate = sign(new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(), subject,
				this.caKeys.getPublic()), true, List.of());
	}

	/** A new self-signed CA. */
	public static TestCertificates authority(String name) {
		return new TestCertificates(name);
	}

	/** Writes the CA's certificate. */
	public Path writeCaCertificate(Path file) {
		return write(file, pem("CERTIFICATE", encoded(this.caCertificate)));
	}

	/**
	 * Issues a server certificate whose subject alternative names are the given DNS names
	 * (and IP addresses, for entries made of digits and dots), and writes it and its key.
	 * @return the certificate file and the key file
	 */
	public ServerFiles writeServer(Path directory, String... names) {
		KeyPair keys = newKeyPair();
		X509CertificateHolder certificate = issue(keys, names);
		Path certificateFile = write(directory.resolve("server.crt"), pem("CERTIFICATE", encoded(certificate)));
		Path keyFile = write(directory.resolve("server.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
		return new ServerFiles(certificateFile, keyFile);
	}

	/**
	 * Issues a server certificate for the given names and returns a TLS context that
	 * serves it, for servers the tests run themselves.
	 */
	SSLContext serverContext(String... names) {
		KeyPair keys = newKeyPair();
		X509CertificateHolder certificate = issue(keys, names);
		try {
			CertificateFactory factory = CertificateFactory.getInstance("X.509");
			Certificate[] chain = { factory.generateCertificate(new ByteArrayInputStream(encoded(certificate))),
					factory.generateCertificate(new ByteArrayInputStream(encoded(this.caCertificate))) };
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(null, null);
			char[] password = "changeit".toCharArray();
			keyStore.setKeyEntry("server", keys.getPrivate(), password, chain);
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore, password);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), null, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private X509CertificateHolder issue(KeyPair keys, String... names) {
		List<GeneralName> alternativeNames = new ArrayList<>();
		for (String name : names) {
			boolean address = name.chars().allMatch((c) -> c == '.' || Character.isDigit(c));
			alternativeNames.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, name));
		}
		return sign(new JcaX509v3CertificateBuilder(this.caCertificate.getSubject(), serial(), notBefore(), notAfter(),
				new X500Name("CN=" + names[0]), keys.getPublic()), false, alternativeNames);
	}

	private X509CertificateHolder sign(JcaX509v3CertificateBuilder builder, boolean authority,
			List<GeneralName> alternativeNames) {
		try {
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
			if (authority) {
				builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			}
			if (!alternativeNames.isEmpty()) {
				builder.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
			}
			return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(this.caKeys.getPrivate()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (OperatorCreationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair newKeyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static BigInteger serial() {
		return BigInteger.valueOf(SERIAL.incrementAndGet());
	}

	private static Date notBefore() {
		return Date.from(Instant.now().minus(Duration.ofHours(1)));
	}

	private static Date notAfter() {
		return Date.from(Instant.now().plus(Duration.ofDays(1)));
	}

	private static byte[] encoded(X509CertificateHolder certificate) {
		try {
			return certificate.getEncoded();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static Path write(Path file, String content) {
		try {
			return Files.writeString(file, content, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A server's certificate and private key files.
	 *
	 * @param certificate the PEM certificate
	 * @param key the PEM (PKCS #8) private key
	 */
	public record ServerFiles(Path certificate, Path key) {

	}

}
