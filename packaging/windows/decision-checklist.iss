; Inno Setup 6 script: a per-user installer for Decision Checklist. No admin rights needed.
;
; Build the app folder first on Windows (docs/building-windows.md), then:
;   iscc /DAppVersion=0.1.0 packaging\windows\decision-checklist.iss
; Output: dist\installer\DecisionChecklist-<version>-setup.exe
;
; Installs into %LOCALAPPDATA%\Programs\Decision Checklist, adds a Start menu entry for the
; current user only, and registers an uninstaller under HKCU. The user's decisions
; (%LOCALAPPDATA%\DecisionChecklist\DecisionChecklist\decisions.db) are never removed by the
; uninstaller. IT can deploy it silently:  DecisionChecklist-0.1.0-setup.exe /VERYSILENT /NORESTART
;
; Not tested here: this repository is built and tested on Linux only (see docs/building-windows.md).

#ifndef AppVersion
  #define AppVersion "0.1.0"   ; keep in step with pyproject.toml, or pass /DAppVersion=...
#endif
#define AppName "Decision Checklist"
#define AppExe "decision-checklist.exe"
#define SourceDir "..\..\dist\decision-checklist"

[Setup]
; A fixed AppId lets later versions upgrade this installation in place. Never change it.
AppId={{6B0D7E52-3C4A-4F0B-9A61-2E8D5C1F7A93}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Decision Checklist
VersionInfoVersion={#AppVersion}
; Per-user: no UAC prompt, installs under the user's own profile.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
SetupIconFile=..\..\resources\icons\decision-checklist.ico
OutputDir=..\..\dist\installer
OutputBaseFilename=DecisionChecklist-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder build: decision-checklist.exe (window), decision-checklist-cli.exe
; (command line and --smoke-test) and _internal\ (Python, Qt, resources).
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Remove the previous version's bundled files so an upgrade never mixes two builds.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
