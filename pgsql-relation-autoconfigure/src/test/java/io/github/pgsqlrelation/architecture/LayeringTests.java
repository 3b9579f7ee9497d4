package io.github.pgsqlrelation.architecture;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering the build keeps: a Spring-free core ({@code connection}, {@code relation}
 * and its packages), the {@code routing} on top, the Spring Boot wiring last; one package
 * per Juju interface, none importing another.
 */
class LayeringTests {

	private static final String BASE = "io.github.pgsqlrelation";

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(BASE);

	@Test
	void everyLayerIsChecked() {
		// A rule over no class passes whatever it says: make sure the rules see them.
		assertThat(List.of("connection", "relation", "relation.pgsql", "relation.postgresqlclient",
				"relation.statefile", "routing", "autoconfigure"))
			.allSatisfy((name) -> assertThat(CLASSES.containPackage(BASE + "." + name)).as(name).isTrue());
	}

	@Test
	void theCoreImportsNoSpring() {
		assertRule(noClasses().that()
			.resideInAnyPackage(BASE + ".connection..", BASE + ".relation..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.."));
	}

	@Test
	void theCoreImportsNeitherRoutingNorWiring() {
		assertRule(noClasses().that()
			.resideInAnyPackage(BASE + ".connection..", BASE + ".relation..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(BASE + ".routing..", BASE + ".autoconfigure.."));
	}

	@Test
	void connectionStringsKnowNoRelation() {
		assertRule(noClasses().that()
			.resideInAPackage(BASE + ".connection..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(BASE + ".relation.."));
	}

	@Test
	void theRelationModelKnowsNoInterfaceAndNoStateFile() {
		assertRule(noClasses().that()
			.resideInAPackage(BASE + ".relation")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(BASE + ".relation.pgsql..", BASE + ".relation.postgresqlclient..",
					BASE + ".relation.statefile.."));
	}

	@Test
	void theLegacyInterfacePackageKnowsOnlyTheModelAndConnectionStrings() {
		assertInterfacePackageIsolated("pgsql");
	}

	@Test
	void thePostgresqlClientInterfacePackageKnowsOnlyTheModelAndConnectionStrings() {
		assertInterfacePackageIsolated("postgresqlclient");
	}

	private static void assertInterfacePackageIsolated(String name) {
		assertRule(classes().that()
			.resideInAPackage(BASE + ".relation." + name + "..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage(BASE + ".relation", BASE + ".relation." + name + "..", BASE + ".connection..", "java..",
					"tools.jackson..", "org.jspecify..", "org.apache.commons.logging.."));
	}

	@Test
	void relationPackagesHaveNoCycles() {
		assertRule(slices().matching(BASE + ".relation.(*)..").should().beFreeOfCycles());
	}

	@Test
	void routingNeverImportsTheWiring() {
		assertRule(noClasses().that()
			.resideInAPackage(BASE + ".routing..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(BASE + ".autoconfigure.."));
	}

	@Test
	void routingDoesNotReadTheStateFile() {
		assertRule(noClasses().that()
			.resideInAPackage(BASE + ".routing..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(BASE + ".relation.statefile..", BASE + ".relation.pgsql..",
					BASE + ".relation.postgresqlclient.."));
	}

	private static void assertRule(ArchRule rule) {
		rule.check(CLASSES);
	}

}
