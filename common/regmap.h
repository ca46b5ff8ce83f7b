/*
 * regmap.h - the registry map: every key path and value name smig reads or writes, with its
 * confidence tag from docs/formats.md. No other module spells a registry name; when a real
 * host proves a row wrong, this is the one place to fix it.
 *
 * Key paths are relative to the hive root, backslash-separated; "CurrentControlSet" is
 * resolved by smig_hive_find() through Select\Current (formats.md §3.1). Names are matched
 * case-insensitively (hivex does, and real hives vary in case, §2.7).
 */
#ifndef SMIG_REGMAP_H
#define SMIG_REGMAP_H

/* ---- hive files (formats.md §1.1) ---- */
#define SMIG_HIVE_SYSTEM_PATH "Windows/System32/config/SYSTEM"     /* [CONFIRMED] */
#define SMIG_HIVE_SOFTWARE_PATH "Windows/System32/config/SOFTWARE" /* [CONFIRMED] */
#define SMIG_HIVE_SYSTEM_WIN "C:\\Windows\\System32\\config\\SYSTEM"
#define SMIG_HIVE_SOFTWARE_WIN "C:\\Windows\\System32\\config\\SOFTWARE"

/* ---- SYSTEM: control set (§3.1) ---- */
#define SMIG_RK_SELECT "Select"               /* [CONFIRMED] */
#define SMIG_RV_SELECT_CURRENT "Current"      /* REG_DWORD [CONFIRMED] */
#define SMIG_RV_SELECT_DEFAULT "Default"
#define SMIG_RV_SELECT_FAILED "Failed"
#define SMIG_RV_SELECT_LKG "LastKnownGood"

/* ---- SYSTEM: identity and OS facts (§3.2–3.4) ---- */
#define SMIG_RK_COMPUTERNAME "CurrentControlSet\\Control\\ComputerName\\ComputerName" /* [CONFIRMED] */
#define SMIG_RV_COMPUTERNAME "ComputerName"   /* REG_SZ [CONFIRMED] */
#define SMIG_RK_TCPIP_PARAMS "CurrentControlSet\\Services\\Tcpip\\Parameters" /* [CONFIRMED] */
#define SMIG_RV_HOSTNAME "Hostname"           /* REG_SZ [CONFIRMED] */
#define SMIG_RV_DOMAIN "Domain"               /* REG_SZ [CONFIRMED] */
#define SMIG_RK_PRODUCTOPTIONS "CurrentControlSet\\Control\\ProductOptions" /* [CONFIRMED] */
#define SMIG_RV_PRODUCTTYPE "ProductType"     /* REG_SZ WinNT/ServerNT/LanmanNT [CONFIRMED/SECONDARY] */
#define SMIG_RK_NLS_LANGUAGE "CurrentControlSet\\Control\\Nls\\Language" /* [CONFIRMED] */
#define SMIG_RV_INSTALLLANGUAGE "InstallLanguage" /* REG_SZ LANGID [CONFIRMED] */
#define SMIG_RV_DEFAULTLANGUAGE "Default"     /* REG_SZ LANGID [CONFIRMED] */
#define SMIG_RK_ENVIRONMENT "CurrentControlSet\\Control\\Session Manager\\Environment" /* [CONFIRMED] */
#define SMIG_RV_NUMBER_OF_PROCESSORS "NUMBER_OF_PROCESSORS" /* REG_SZ decimal [CONFIRMED] */
#define SMIG_RV_PROCESSOR_ARCHITECTURE "PROCESSOR_ARCHITECTURE" /* REG_SZ [CONFIRMED] */
#define SMIG_RV_PROCESSOR_IDENTIFIER "PROCESSOR_IDENTIFIER"     /* REG_SZ [CONFIRMED] */
#define SMIG_RK_MOUNTEDDEVICES "MountedDevices" /* [CONFIRMED] */
#define SMIG_RV_DOSDEVICES_PREFIX "\\DosDevices\\" /* "\DosDevices\C:" [CONFIRMED] */

/* ---- SYSTEM: network adapters (§3.5) ---- */
#define SMIG_RK_NET_CLASS \
	"CurrentControlSet\\Control\\Class\\{4D36E972-E325-11CE-BFC1-08002BE10318}" /* [CONFIRMED] */
#define SMIG_RK_NET_NETWORK \
	"CurrentControlSet\\Control\\Network\\{4D36E972-E325-11CE-BFC1-08002BE10318}" /* [CONFIRMED] */
#define SMIG_RK_CONNECTION "Connection"      /* subkey of Network\{GUID} [CONFIRMED] */
#define SMIG_RV_CONNECTION_NAME "Name"        /* REG_SZ [CONFIRMED] */
#define SMIG_RV_PNPINSTANCEID "PnpInstanceID" /* REG_SZ [CONFIRMED] (PnPInstanceId on Windows 8) */
#define SMIG_RK_ENUM "CurrentControlSet\\Enum" /* [CONFIRMED] */
#define SMIG_RV_FRIENDLYNAME "FriendlyName"   /* REG_SZ [CONFIRMED] */
#define SMIG_RV_DEVICEDESC "DeviceDesc"       /* REG_SZ "@inf,%x%;Text" [CONFIRMED] */
#define SMIG_RV_NETCFGINSTANCEID "NetCfgInstanceId" /* REG_SZ [CONFIRMED] */
#define SMIG_RV_DRIVERDESC "DriverDesc"       /* REG_SZ [CONFIRMED] */
#define SMIG_RV_DEVICEINSTANCEID "DeviceInstanceID" /* REG_SZ [CONFIRMED] */
#define SMIG_RV_CHARACTERISTICS "Characteristics"   /* REG_DWORD NCF_* [CONFIRMED] */
#define SMIG_NCF_PHYSICAL 0x4                 /* bit name [SECONDARY]; physical = bit set [INFERRED] */
#define SMIG_RV_NETWORKADDRESS "NetworkAddress" /* REG_SZ 12 hex, MAC override [SECONDARY] */
#define SMIG_RV_VMQ_KEYWORD "*VMQ"            /* REG_SZ "0"/"1" [SECONDARY] */
#define SMIG_HOST_VNIC_DESC "Microsoft Virtual Network Switch Adapter" /* [ASSUMED exact text] */
#define SMIG_HOST_VNIC_DEVID_PREFIX "ROOT\\VMS_MP\\" /* [INFERRED] */
#define SMIG_RK_TCPIP_INTERFACES \
	"CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces" /* [CONFIRMED] */
#define SMIG_RV_ENABLEDHCP "EnableDHCP"       /* REG_DWORD [CONFIRMED] */
#define SMIG_RV_IPADDRESS "IPAddress"         /* REG_MULTI_SZ [CONFIRMED] */
#define SMIG_RV_SUBNETMASK "SubnetMask"       /* REG_MULTI_SZ [CONFIRMED] */
#define SMIG_RV_DEFAULTGATEWAY "DefaultGateway" /* REG_MULTI_SZ [CONFIRMED] */
#define SMIG_RV_NAMESERVER "NameServer"       /* REG_SZ, comma or space separated [CONFIRMED/SECONDARY] */
#define SMIG_RV_DHCPIPADDRESS "DhcpIPAddress" /* REG_SZ [CONFIRMED] */
#define SMIG_RV_DHCPSUBNETMASK "DhcpSubnetMask" /* REG_SZ [CONFIRMED] */

/* ---- SYSTEM: Hyper-V virtual networks and VMQ (§3.6) ---- */
#define SMIG_RK_VMSMP_PARAMS "CurrentControlSet\\Services\\VMSMP\\Parameters" /* [CONFIRMED 2016+; SECONDARY 2008 R2] */
#define SMIG_RK_SWITCHLIST "SwitchList"       /* subkey of Parameters [CONFIRMED 2016+] */
#define SMIG_RK_NICLIST "NicList"             /* subkey of Parameters [CONFIRMED 2016+] */
#define SMIG_RV_SWITCH_FRIENDLYNAME "FriendlyName" /* REG_SZ on switch and port keys [CONFIRMED 2016+] */
#define SMIG_RV_NICLIST_SWITCHNAME "SwitchName" /* REG_SZ switch GUID [CONFIRMED 2016; ASSUMED 2008 R2] */
#define SMIG_RV_NICLIST_PORTNAME "PortName"   /* REG_SZ port GUID [ASSUMED] */
#define SMIG_RV_PORT_ACCESSVLAN "AccessVLAN"  /* REG_DWORD on the port key [ASSUMED] (A11) */
#define SMIG_RV_VMQ_TENGIG "TenGigVmqEnabled" /* REG_DWORD [ASSUMED type] (A12) */
#define SMIG_RV_VMQ_BELOWTENGIG "BelowTenGigVmqEnabled" /* REG_DWORD [ASSUMED type] (A12) */
#define SMIG_RK_VMMS_SERVICE "CurrentControlSet\\Services\\vmms" /* Hyper-V management service [ASSUMED presence marker] */

/* ---- SYSTEM: firewall (§3.7) ---- */
#define SMIG_RK_FIREWALLRULES \
	"CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules" /* [CONFIRMED] */

/* ---- SOFTWARE (§4) ---- */
#define SMIG_RK_CURRENTVERSION "Microsoft\\Windows NT\\CurrentVersion" /* [SECONDARY] */
#define SMIG_RV_PRODUCTNAME "ProductName"     /* REG_SZ */
#define SMIG_RV_CURRENTVERSION "CurrentVersion" /* REG_SZ "6.1" */
#define SMIG_RV_CURRENTBUILD "CurrentBuildNumber" /* REG_SZ "7601" */
#define SMIG_RV_CURRENTBUILD_OLD "CurrentBuild"
#define SMIG_RV_CSDVERSION "CSDVersion"       /* REG_SZ "Service Pack 1" */
#define SMIG_RV_EDITIONID "EditionID"         /* REG_SZ */
#define SMIG_RV_INSTALLATIONTYPE "InstallationType" /* REG_SZ "Server" | "Server Core" */
#define SMIG_RK_VIRTUALIZATION "Microsoft\\Windows NT\\CurrentVersion\\Virtualization" /* [SECONDARY] */
#define SMIG_RV_DEFAULTEXTERNALDATAROOT "DefaultExternalDataRoot" /* REG_SZ [CONFIRMED name; INFERRED type] */
#define SMIG_RV_DEFAULTVHDPATH "DefaultVirtualHardDiskPath" /* REG_SZ */
#define SMIG_RV_MINIMUMMAC "MinimumMacAddress" /* REG_BINARY 6 bytes [CONFIRMED] (A14) */
#define SMIG_RV_MAXIMUMMAC "MaximumMacAddress" /* REG_BINARY 6 bytes [CONFIRMED] */
#define SMIG_RV_STORELOCATION "StoreLocation" /* REG_SZ msxml:// or msldap:// [SECONDARY] */
#define SMIG_RV_SERVICEAPPLICATION "ServiceApplication" /* REG_SZ "Hyper-V services" [SECONDARY] */
#define SMIG_RK_OLE "Microsoft\\Ole"          /* [CONFIRMED] */
#define SMIG_RV_MACHINELAUNCHRESTRICTION "MachineLaunchRestriction" /* REG_BINARY SD [CONFIRMED] */

/* ---- files under the host root (§1.4, §1.6) ---- */
#define SMIG_HYPERV_DATA_ROOT_WIN "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V" /* default [SECONDARY] */
#define SMIG_HYPERV_VMS_REL "ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines" /* registration */
#define SMIG_HYPERV_SNAPSHOTS_REL "ProgramData/Microsoft/Windows/Hyper-V/Snapshots"
#define SMIG_HYPERV_STORE_WIN "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml"
#define SMIG_STORE_FILE_PREFIX "msxml://"
#define SMIG_STORE_AD_PREFIX "msldap://"
#define SMIG_IPSETTINGS_REL "IPSettings.txt"  /* [CONFIRMED: Microsoft's guide] */
#define SMIG_SYSTEMINFO_REL "systeminfo.txt"  /* project convention */

#endif
