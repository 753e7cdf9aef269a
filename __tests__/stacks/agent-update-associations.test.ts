import { environmentNames, isCloudWatchAgentUpdateDocument } from '../../contract/names';
import { CLOUDWATCH_AGENT_UPDATE_STEPS } from '../../contract/ssm-documents';
import { cloudWatchAgentUpdateAssociation, cloudWatchAgentUpdateInvocation } from '../../fixtures/cloudwatch-agent-update';
import { failedPackageInvocation, failedUpdateInvocation } from '../../fixtures/events';
import { matchesEventPattern } from '../helpers/event-pattern';
import { exampleSettings, resourcesOf, synthStack, type Synthesized } from '../helpers/synth';

const { updatePackage, configure, configureOn } = CLOUDWATCH_AGENT_UPDATE_STEPS;

function cloudWatchAssociation(synthesized: Synthesized) {
  return resourcesOf(synthesized, 'aws_ssm_association').find((association) => association.association_name.endsWith('update-cloudwatch-agent'));
}

function documentContent(synthesized: Synthesized) {
  const [document, ...others] = resourcesOf(synthesized, 'aws_ssm_document');
  expect(others).toHaveLength(0);
  return { document, content: JSON.parse(document.content) };
}

function failurePatterns(synthesized: Synthesized): Record<string, any>[] {
  return resourcesOf(synthesized, 'aws_cloudwatch_event_rule')
    .filter((rule) => /failed-(commands|associations)$/.test(rule.name))
    .map((rule) => JSON.parse(rule.event_pattern));
}

/** What AmazonCloudWatch-ManageAgent is asked to do by a configure step. */
function manageAgentParameters(location: string) {
  return {
    documentType: 'SSMDocument',
    documentPath: 'AmazonCloudWatch-ManageAgent',
    documentParameters: {
      action: 'configure',
      mode: 'ec2',
      optionalConfigurationSource: 'ssm',
      optionalConfigurationLocation: location,
      optionalRestart: 'yes',
    },
  };
}

describe('CloudWatch Agent updates', () => {
  describe('without a configuration parameter', () => {
    it('install the package with AWS-ConfigureAWSPackage, uninstalling and reinstalling by default', () => {
      const prod = synthStack(exampleSettings('prod'));
      expect(cloudWatchAssociation(prod).name).toBe('AWS-ConfigureAWSPackage');
      expect(cloudWatchAssociation(prod).parameters).toEqual({ action: 'Install', installationType: 'Uninstall and reinstall', name: 'AmazonCloudWatchAgent' });
      expect(resourcesOf(prod, 'aws_ssm_document')).toHaveLength(0);
    });

    it('update in place when configured so', () => {
      const inPlace = synthStack(exampleSettings('prod', { cloudWatchAgentUpdate: { installationType: 'In-place update' } }));
      expect(cloudWatchAssociation(inPlace).parameters.installationType).toBe('In-place update');
    });
  });

  describe('with one configuration parameter for every platform', () => {
    const synthesized = synthStack(
      exampleSettings('prod', { cloudWatchAgentUpdate: { configurationParameter: 'AmazonCloudWatch-fleet', schedule: 'rate(14 days)' } }),
    );
    const { document, content } = documentContent(synthesized);
    const association = cloudWatchAssociation(synthesized);

    it("create the environment's own Command document, named for the environment", () => {
      expect(document).toEqual(
        expect.objectContaining({ name: 'ssm-agent-ops-prod-cloudwatch-agent-update', document_type: 'Command', document_format: 'JSON' }),
      );
      expect(document.name).toBe(environmentNames('prod').documentNames.cloudWatchAgentUpdate);
      // CreateDocument's name pattern; AWS reserves names starting with aws, amazon and amzn.
      expect(document.name).toMatch(/^[a-zA-Z0-9_\-.]{3,128}$/);
      expect(document.name).not.toMatch(/^(aws|amazon|amzn)/i);
    });

    it('update the package, then re-apply the configuration and restart the agent, in one run', () => {
      expect(content.schemaVersion).toBe('2.2');
      expect(content.mainSteps).toEqual([
        {
          action: 'aws:configurePackage',
          name: updatePackage,
          inputs: { name: 'AmazonCloudWatchAgent', action: 'Install', installationType: '{{ installationType }}' },
        },
        { action: 'aws:runDocument', name: configure, inputs: manageAgentParameters('{{ configurationParameter }}') },
      ]);
      // A failed update must not skip the configure step, which starts the agent again.
      for (const step of content.mainSteps) {
        expect(step.inputs).not.toHaveProperty('onFailure');
        expect(step.inputs).not.toHaveProperty('onSuccess');
      }
    });

    it('take the installation type and the parameter from the association, with the same values as defaults for a run by hand', () => {
      expect(association.parameters).toEqual({ installationType: 'Uninstall and reinstall', configurationParameter: 'AmazonCloudWatch-fleet' });
      expect(content.parameters.installationType).toEqual(
        expect.objectContaining({ type: 'String', allowedValues: ['Uninstall and reinstall', 'In-place update'], default: 'Uninstall and reinstall' }),
      );
      expect(content.parameters.configurationParameter).toEqual(expect.objectContaining({ type: 'String', default: 'AmazonCloudWatch-fleet' }));
      const allowed = new RegExp(content.parameters.configurationParameter.allowedPattern);
      expect(['AmazonCloudWatch-fleet', '/ops/cloudwatch-agent/linux'].every((name) => allowed.test(name))).toBe(true);
      expect(['a,b', 'x y', '{{ssm:x}}'].some((name) => allowed.test(name))).toBe(false);
    });

    it('run the default version of the document, on the schedule and targets of the settings', () => {
      expect(association).toEqual(
        expect.objectContaining({
          name: expect.stringMatching(/^\$\{aws_ssm_document\.\S+\.name\}$/),
          document_version: '$DEFAULT',
          association_name: 'prod-update-cloudwatch-agent',
          schedule_expression: 'rate(14 days)',
          max_concurrency: '100%',
          max_errors: '0%',
          targets: [{ key: 'tag:ope-type', values: ['auto'] }],
        }),
      );
      expect(association).not.toHaveProperty('apply_only_at_cron_interval');
    });

    it('have failures of the document alerted, and no longer those of AWS-ConfigureAWSPackage', () => {
      const patterns = failurePatterns(synthesized);
      expect(patterns).toHaveLength(2);
      for (const pattern of patterns) expect(pattern.detail['document-name']).toEqual(['AWS-UpdateSSMAgent', 'ssm-agent-ops-prod-cloudwatch-agent-update']);
      const matched = (event: unknown) => patterns.some((pattern) => matchesEventPattern(pattern, event));
      expect(matched(cloudWatchAgentUpdateInvocation())).toBe(true);
      expect(matched(cloudWatchAgentUpdateAssociation())).toBe(true);
      expect(matched(failedUpdateInvocation())).toBe(true);
      expect(matched(failedPackageInvocation())).toBe(false);
    });
  });

  describe('with a configuration parameter per platform (the stg example)', () => {
    const stg = synthStack(exampleSettings('stg'));
    const { content } = documentContent(stg);

    it('configure each platform from its own parameter, the other platform skipped by a precondition', () => {
      expect(content.mainSteps.map((step: { name: string }) => step.name)).toEqual([updatePackage, configureOn.linux, configureOn.windows]);
      expect(content.mainSteps[1]).toEqual({
        action: 'aws:runDocument',
        name: configureOn.linux,
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: manageAgentParameters('{{ linuxConfigurationParameter }}'),
      });
      expect(content.mainSteps[2]).toEqual({
        action: 'aws:runDocument',
        name: configureOn.windows,
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: manageAgentParameters('{{ windowsConfigurationParameter }}'),
      });
      expect(cloudWatchAssociation(stg).parameters).toEqual({
        installationType: 'Uninstall and reinstall',
        linuxConfigurationParameter: 'AmazonCloudWatch-linux',
        windowsConfigurationParameter: 'AmazonCloudWatch-windows',
      });
      expect(Object.keys(content.parameters).sort()).toEqual(['installationType', 'linuxConfigurationParameter', 'windowsConfigurationParameter']);
    });

    it('leave out the platform that has no parameter: it gets the update only', () => {
      const linuxOnly = synthStack(exampleSettings('stg', { cloudWatchAgentUpdate: { configurationParameter: { linux: '/ops/cloudwatch-agent/linux' } } }));
      const { content: linuxContent } = documentContent(linuxOnly);
      expect(linuxContent.mainSteps.map((step: { name: string }) => step.name)).toEqual([updatePackage, configureOn.linux]);
      expect(cloudWatchAssociation(linuxOnly).parameters).toEqual({
        installationType: 'Uninstall and reinstall',
        linuxConfigurationParameter: '/ops/cloudwatch-agent/linux',
      });
    });

    it('watch the stg document, which the notifier recognises as a CloudWatch Agent update', () => {
      for (const pattern of failurePatterns(stg)) {
        expect(pattern.detail['document-name']).toContain('ssm-agent-ops-stg-cloudwatch-agent-update');
      }
      expect(isCloudWatchAgentUpdateDocument('ssm-agent-ops-stg-cloudwatch-agent-update')).toBe(true);
    });
  });

  it('give every step a name Run Command can report and GetCommandInvocation accepts as PluginName (at least 4 characters)', () => {
    const names = [updatePackage, configure, ...Object.values(configureOn)];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_.-]{4,}$/);
  });
});
