package io.raftkv.raft.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consensus core is deterministic: time is {@code tick()}, randomness the {@code Random} in
 * {@code RaftConfig}, I/O whatever the driver does with a {@code Ready}. That is what lets one
 * simulator seed replay one run exactly, so it is checked here rather than trusted to review:
 * no clock, thread, socket, file, or unseeded randomness anywhere in the module's main code.
 */
class DeterministicCoreRulesTest {
    private static JavaClasses core;

    @BeforeAll
    static void importMainClasses() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.raftkv.raft");
    }

    @Test
    void readsNoClock() {
        check(noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().resideInAPackage("java.time..")
                .because("time in the core is tick(); a clock would make a seed replay differently"));
    }

    @Test
    void startsNoThreadAndWaitsOnNothing() {
        check(noClasses().should().dependOnClassesThat().belongToAnyOf(Thread.class, ThreadLocal.class)
                .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
                .because("the driver owns the threads; the core runs on whichever thread calls it"));
    }

    @Test
    void touchesNoSocketOrFile() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.file..",
                        "java.nio.channels..")
                .orShould().dependOnClassesThat().belongToAnyOf(java.io.File.class, java.io.FileInputStream.class,
                        java.io.FileOutputStream.class, java.io.RandomAccessFile.class)
                .because("I/O is what the driver does with a Ready"));
    }

    @Test
    void drawsRandomnessOnlyFromTheConfiguredRandom() {
        check(noClasses().should().callConstructor(java.util.Random.class)
                .orShould().callMethod(Math.class, "random")
                .orShould().dependOnClassesThat().belongToAnyOf(java.security.SecureRandom.class)
                .because("the only randomness is RaftConfig.random(), seeded by tests"));
    }

    private static void check(ArchRule rule) {
        rule.check(core);
    }
}
