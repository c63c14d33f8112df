package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jar that {@code mvn package} builds, as a user gets it: it carries its license and says which
 * library and version it is. Run by failsafe in {@code mvn verify}, after {@code package}; the pom
 * passes the jar's path, name and version as the system properties {@code cmaps.jar}, {@code
 * cmaps.name} and {@code cmaps.version}.
 */
class LibraryJarContentsIT {

  private static Path jar() {
    String path = System.getProperty("cmaps.jar");
    assertThat(path)
        .as("system property cmaps.jar (set by the pom's failsafe configuration)")
        .isNotBlank();
    Path jar = Paths.get(path);
    assertThat(jar).as("the packaged library").isRegularFile();
    return jar;
  }

  @Test
  void jarCarriesTheRepositoryLicenseAsMetaInfLicense() throws IOException {
    try (JarFile jar = new JarFile(jar().toFile())) {
      JarEntry license = jar.getJarEntry("META-INF/LICENSE");
      assertThat(license).as("META-INF/LICENSE in " + jar.getName()).isNotNull();
      byte[] inJar;
      try (InputStream in = jar.getInputStream(license)) {
        inJar = in.readAllBytes();
      }
      Path repositoryLicense = jar().getParent().getParent().resolve("LICENSE");
      assertThat(inJar).isEqualTo(Files.readAllBytes(repositoryLicense));
    }
  }

  @Test
  void manifestNamesTheLibraryAndItsVersion() throws IOException {
    try (JarFile jar = new JarFile(jar().toFile())) {
      assertThat(jar.getManifest()).as("a manifest in " + jar.getName()).isNotNull();
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue(Attributes.Name.IMPLEMENTATION_TITLE))
          .isEqualTo(System.getProperty("cmaps.name"));
      assertThat(main.getValue(Attributes.Name.IMPLEMENTATION_VERSION))
          .isNotBlank()
          .isEqualTo(System.getProperty("cmaps.version"));
    }
  }

  @Test
  void jarHoldsTheLibraryAndNoTestOrDemoCode() throws IOException {
    try (JarFile jar = new JarFile(jar().toFile())) {
      assertThat(jar.getJarEntry("module-info.class")).isNotNull();
      assertThat(jar.getJarEntry("io/github/cmaps/ReadWriteLockMap.class")).isNotNull();
      assertThat(jar.stream().map(JarEntry::getName))
          .noneMatch(n -> n.endsWith("Test.class") || n.startsWith("io/github/cmaps/demo/"));
    }
  }
}
