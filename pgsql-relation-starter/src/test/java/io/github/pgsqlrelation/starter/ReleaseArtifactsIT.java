package io.github.pgsqlrelation.starter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks, after {@code ./mvnw -B -Prelease verify} has packaged the reactor, that every
 * published module has what Maven Central requires: the jar, a sources jar and a javadoc
 * jar, the license in each, and the project metadata in its pom.
 */
class ReleaseArtifactsIT {

	private static final Path ROOT = Path.of(System.getProperty("release.root", "..")).toAbsolutePath().normalize();

	private static final String VERSION = System.getProperty("release.version", "");

	@ParameterizedTest
	@ValueSource(strings = { "pgsql-relation-test", "pgsql-relation-autoconfigure", "pgsql-relation-testcontainers",
			"pgsql-relation-starter" })
	void publishedModuleHasItsJarSourcesAndJavadoc(String module) throws IOException {
		for (String classifier : List.of("", "-sources", "-javadoc")) {
			Path jar = artifact(module, classifier);
			assertThat(jar).as("%s%s.jar", module, classifier).isRegularFile();
			assertThat(entries(jar)).as(jar.toString()).isNotEmpty();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "pgsql-relation-test", "pgsql-relation-autoconfigure", "pgsql-relation-testcontainers",
			"pgsql-relation-starter" })
	void binaryAndSourcesJarsCarryTheLicense(String module) throws IOException {
		for (String classifier : List.of("", "-sources")) {
			Path jar = artifact(module, classifier);
			assertThat(entries(jar)).as(jar.toString()).contains("META-INF/LICENSE");
			assertThat(licenseIn(jar)).contains("Apache License", "Version 2.0, January 2004");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "pgsql-relation-test", "pgsql-relation-autoconfigure", "pgsql-relation-testcontainers" })
	void codeModulesShipClassesTheirSourcesAndTheirJavadoc(String module) throws IOException {
		assertThat(entries(artifact(module, ""))).anyMatch((name) -> name.endsWith(".class"));
		assertThat(entries(artifact(module, "-sources"))).anyMatch((name) -> name.endsWith(".java"));
		assertThat(entries(artifact(module, "-javadoc"))).contains("index.html");
	}

	@Test
	void autoConfigurationJarRegistersItsAutoConfigurationsAndMetadata() throws IOException {
		assertThat(entries(artifact("pgsql-relation-autoconfigure", ""))).contains(
				"META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports",
				"META-INF/spring-configuration-metadata.json", "META-INF/spring.factories");
	}

	@Test
	void starterJarIsNotEmpty() throws IOException {
		assertThat(entries(artifact("pgsql-relation-starter", ""))).contains("META-INF/MANIFEST.MF",
				"META-INF/LICENSE");
		assertThat(entries(artifact("pgsql-relation-starter", "-javadoc"))).contains("README.md");
	}

	@Test
	void parentPomCarriesTheMetadataMavenCentralRequires() throws Exception {
		Element project = pom(ROOT.resolve("pom.xml"));
		assertThat(text(project, "url")).startsWith("https://");
		assertThat(text(project, "description")).isNotBlank();
		Element license = child(child(project, "licenses"), "license");
		assertThat(text(license, "name")).isEqualTo("Apache License, Version 2.0");
		assertThat(text(license, "url")).isEqualTo("https://www.apache.org/licenses/LICENSE-2.0.txt");
		assertThat(text(child(child(project, "developers"), "developer"), "name")).isNotBlank();
		Element scm = child(project, "scm");
		assertThat(text(scm, "connection")).startsWith("scm:git:");
		assertThat(text(scm, "url")).startsWith("https://");
		assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
	}

	@ParameterizedTest
	@ValueSource(strings = { "pgsql-relation-test", "pgsql-relation-autoconfigure", "pgsql-relation-testcontainers",
			"pgsql-relation-starter" })
	void modulePomHasANameAndADescription(String module) throws Exception {
		Element project = pom(ROOT.resolve(module).resolve("pom.xml"));
		assertThat(text(project, "name")).isEqualTo(module);
		assertThat(text(project, "description")).isNotBlank();
	}

	private static Path artifact(String module, String classifier) {
		assertThat(VERSION).as("release.version (set by the release profile)").isNotEmpty();
		return ROOT.resolve(module).resolve("target").resolve(module + "-" + VERSION + classifier + ".jar");
	}

	private static List<String> entries(Path jar) throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			return Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
		}
	}

	private static String licenseIn(Path jar) throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			return new String(file.getInputStream(file.getEntry("META-INF/LICENSE")).readAllBytes(),
					StandardCharsets.UTF_8);
		}
	}

	private static Element pom(Path path) throws Exception {
		Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile());
		return document.getDocumentElement();
	}

	private static Element child(Element parent, String name) {
		for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && element.getTagName().equals(name)) {
				return element;
			}
		}
		throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
	}

	private static String text(Element parent, String name) {
		return child(parent, name).getTextContent().trim();
	}

}
