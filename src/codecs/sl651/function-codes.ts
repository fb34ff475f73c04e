/**
 * SL 651-2014 function codes and the `type` names this codec reports for them. 0x2F-0x3A and
 * 0x40-0x51 are confirmed by labelled frames (wainshine/SL651 examples/fujian_messages.txt); 0x39 and
 * 0x4B-0x4F come from the standard's function-code table only.
 */
export const SL651_FUNCTION_TYPES: Readonly<Record<number, string>> = {
  0x2f: 'linkKeep', // 链路维持报
  0x30: 'test', // 测试报
  0x31: 'uniformInterval', // 均匀时段水文信息报
  0x32: 'timed', // 遥测站定时报
  0x33: 'add', // 遥测站加报报
  0x34: 'hourly', // 遥测站小时报
  0x35: 'manualSet', // 遥测站人工置数报
  0x36: 'picture', // 遥测站图片报
  0x37: 'queryRealtime', // 查询遥测站实时数据
  0x38: 'queryPeriod', // 查询遥测站时段数据
  0x39: 'queryManualSet', // 查询遥测站人工置数
  0x3a: 'querySelected', // 查询遥测站指定要素数据
  0x40: 'writeBasicConfig', // 修改遥测站基本配置表
  0x41: 'readBasicConfig', // 读取遥测站基本配置表
  0x42: 'writeRuntimeConfig', // 修改遥测站运行参数配置表
  0x43: 'readRuntimeConfig', // 读取遥测站运行参数配置表
  0x44: 'queryPumpRealtime', // 查询水泵电机实时工作数据
  0x45: 'querySoftwareVersion', // 查询遥测终端软件版本
  0x46: 'queryStatusAlarm', // 查询遥测站状态和报警信息
  0x47: 'initStorage', // 初始化固态存储数据
  0x48: 'factoryReset', // 恢复遥测站出厂设置
  0x49: 'changePassword', // 修改密码
  0x4a: 'setClock', // 设置遥测站时钟
  0x4b: 'setIcCard', // 设置遥测终端 IC 卡状态
  0x4c: 'pumpControl', // 控制水泵开关命令 / 水泵状态自报
  0x4d: 'valveControl', // 控制阀门开关命令 / 阀门状态自报
  0x4e: 'gateControl', // 控制闸门开关命令 / 闸门状态信息自报
  0x4f: 'waterQuotaControl', // 水量定值控制命令
  0x50: 'queryEventRecords', // 查询遥测站事件记录
  0x51: 'queryClock', // 查询遥测站时钟
};

/**
 * Uplinks whose body is serial, send time, F1F1 station + type and element groups (F0F0 time, then
 * identifier/definition/value): the reports and the replies to the data queries.
 */
export const ELEMENT_BODY_CODES: ReadonlySet<number> = new Set([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37, 0x38, 0x3a]);

/** Reports whose body ends in one element and N values after a time-step code (04 18 DDHHMM). */
export const UNIFORM_INTERVAL_CODES: ReadonlySet<number> = new Set([0x31, 0x38]);

/**
 * Uplinks the centre confirms with `same code, 0x8008, echoed serial, its clock, ESC/EOT`. The link
 * keep (0x2F) gets no reply: comger/sl651 testdata.csv has hundreds of them and no answer to any.
 */
export const REPLIED_CODES: ReadonlySet<number> = new Set([0x30, 0x31, 0x32, 0x33, 0x34, 0x35]);
