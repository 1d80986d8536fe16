package io.ironsync.app;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"ironsync " + (version == null ? "development build" : version)};
  }
}
